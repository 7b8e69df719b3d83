#!/usr/bin/env bash
# Configures and builds ctnet (Release, ccache when present) into build/.
# Usage: scripts/build.sh [-DOPTION=VALUE...] [target...]   (default: everything)
# CXX picks the compiler (default: the system's c++), BUILD_DIR the directory.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BUILD_DIR:-build}
options=()
targets=()
for a in "$@"; do
  if [[ $a == -D* ]]; then options+=("$a"); else targets+=("$a"); fi
done
command -v ccache >/dev/null 2>&1 && options+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
[[ -n ${CXX:-} ]] && options+=("-DCMAKE_CXX_COMPILER=$CXX")
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "${options[@]}" >/dev/null
jobs=$(nproc)
if ((${#targets[@]} == 0)); then
  cmake --build "$dir" -j "$jobs"
else
  for t in "${targets[@]}"; do cmake --build "$dir" -j "$jobs" --target "$t"; done
fi
