#!/usr/bin/env bash
# Compile time is a budget: prints the seconds g++ takes for each example and
# benchmark translation unit at -O2 (no ccache), one at a time.
# Usage: bench/compile_times.sh [file.cpp...]   (default: examples/*.cpp bench/*.cpp)
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=${CXX:-g++}
blas_inc=/usr/include/x86_64-linux-gnu/openblas-pthread
files=("$@")
((${#files[@]})) || files=(examples/*.cpp examples/*/*.cpp bench/*.cpp)
defs=()
[[ -f /usr/include/dnnl.h ]] && defs+=(-DCTNET_USE_DNNL)  # as the CMake target does
defs+=(-DCTNET_SWEEP_CAPACITY=3)  # examples/dcgan_sweep/capacity.cpp: its largest networks
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in "${files[@]}"; do
  start=$(date +%s.%N)
  "$cxx" -std=c++20 -O2 -march=native -Wall -Wextra -Iinclude -Iexamples "${defs[@]}" -isystem "$blas_inc" -c "$f" -o "$out/a.o"
  end=$(date +%s.%N)
  awk -v f="$f" -v s="$start" -v e="$end" 'BEGIN { printf "%-32s %6.1f s\n", f, e - s }'
done
