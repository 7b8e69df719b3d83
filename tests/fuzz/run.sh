#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), two at a time, from
# its seed corpus (tests/fuzz/corpus/<target>, read only; new inputs go to a
# scratch directory). Limits: 1 s per input, 500 MB of memory; leaks count as
# failures (AddressSanitizer's leak check). Prints each target's executions
# and coverage (edges); exits non-zero, with the failing input's path, on a
# crash, leak, timeout or memory excess.
# Usage: tests/fuzz/run.sh [SECONDS] [BUILD_DIR]   (BUILD_DIR default build-fuzz)
# The long run: tests/fuzz/run.sh 600
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
build=${2:-build-fuzz}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
targets=(idx gzip cifar safetensors checkpoint)
# A smaller quarantine than ASan's 256 MB default, so that the 500 MB limit measures the reader.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=32}

run_one() {
  local t=$1
  mkdir -p "$work/$t/new" "$work/$t/artifacts"
  if "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=500 \
      -malloc_limit_mb=500 -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" \
      "$work/$t/new" "tests/fuzz/corpus/$t" > "$work/$t/log" 2>&1; then
    local log=$work/$t/log stat
    stat() { grep -oE "stat::$1: *[0-9]+" "$log" | grep -oE '[0-9]+$' || echo "?"; }
    printf 'fuzz %-12s %9s executions in %s s, %s edges, %s MB peak, slowest input %s s\n' "$t" \
      "$(stat number_of_executed_units)" "$seconds" \
      "$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo "?")" \
      "$(stat peak_rss_mb)" "$(stat slowest_unit_time_sec)"
  else
    echo "fuzz $t FAILED:"
    grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$work/$t/log" | head -20
    for a in "$work/$t/artifacts/"*; do
      [[ -e $a ]] || continue
      mkdir -p fuzz-failures && cp "$a" fuzz-failures/ && echo "input kept in fuzz-failures/$(basename "$a")"
    done
    return 1
  fi
}

status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  pids=()
  for t in "${targets[@]:i:2}"; do
    run_one "$t" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
done
exit $status
