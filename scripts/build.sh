#!/usr/bin/env bash
# Configures and builds ctnet (Release, ccache when present) into build/.
# Usage: scripts/build.sh [target...]   (default: everything)
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
jobs=$(nproc)
if (($# == 0)); then
  cmake --build build -j "$jobs"
else
  for t in "$@"; do cmake --build build -j "$jobs" --target "$t"; done
fi
