#!/usr/bin/env bash
# A data-parallel run whose process fails ends as a whole, within seconds,
# never a hang:
#  1. a process killed (SIGKILL) in the middle of training;
#  2. a process that cannot read its data (mpirun's MPMD form gives only
#     process 1 a missing --data directory).
# Prints how long each took to end every process, and the messages. Then
#  3. an example killed in its second epoch resumes with --resume from the
#     checkpoint of its first and ends as an unbroken run does.
# Usage: faults.sh MPIRUN_TEST_BINARY CNN_CLASSIFIER SCRATCH_DIR MNIST_DIR
set -uo pipefail
tests=$1 classifier=$2 scratch=$3 mnist=$4
mpirun=(mpirun --allow-run-as-root --oversubscribe)
export CTNET_THREADS=1 ASAN_OPTIONS=detect_leaks=0
mkdir -p "$scratch"
status=0

# run NAME LIMIT EXPECT COMMAND...: runs COMMAND under a LIMIT-second timeout;
# it must fail (not time out) with EXPECT in its output.
run() {
  local name=$1 limit=$2 expect=$3
  shift 3
  local start end code
  start=$(date +%s.%N)
  timeout -s KILL "$limit" "$@" >"$scratch/$name.out" 2>&1
  code=$?
  end=$(date +%s.%N)
  local seconds
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  echo "== $name: exit status $code after $seconds s"
  grep -v '^\s*$' "$scratch/$name.out" | grep -v -- '^-----' | head -12 | sed 's/^/   | /'
  if ((code == 0)); then
    echo "FAILED: $name: exit status 0"
    status=1
  elif ((${seconds%.*} >= limit)); then
    echo "FAILED: $name: still running after $limit s (a hang)"
    status=1
  elif ! grep -q "$expect" "$scratch/$name.out"; then
    echo "FAILED: $name: the output does not hold '$expect'"
    status=1
  fi
}

# The killed process: mpirun notices the signal and ends the job.
run killed_rank 60 "rank 1 with PID" "${mpirun[@]}" -np 2 "$tests" --kill-rank 1
# The unreadable data: process 1's one-line error names itself and the
# directory, and ends process 0 (waiting in the first collective call).
args=(--experiment 2 --epochs 1 --train-limit 640 --quiet --out "$scratch/run")
run unreadable_data 60 "rank 1 of 2: error: .*$scratch/missing" \
  "${mpirun[@]}" -np 1 "$classifier" "${args[@]}" --data "$mnist" : -np 1 "$classifier" "${args[@]}" --data "$scratch/missing"
# 3. Kill process 1 of cnn_classifier once epoch 1's checkpoint is written.
run_dir=$scratch/resume
rm -rf "$run_dir"
args=(--experiment 2 --epochs 3 --train-limit 1600 --quiet --data "$mnist" --out "$run_dir")
"${mpirun[@]}" -np 2 "$classifier" "${args[@]}" >"$scratch/resume-killed.out" 2>&1 &
launcher=$!
for _ in $(seq 600); do
  [[ -f $run_dir/checkpoint.safetensors ]] && break
  sleep 0.1
done
victim=""
for pid in $(pgrep -f -- "--out $run_dir"); do
  grep -qz '^OMPI_COMM_WORLD_RANK=1$' "/proc/$pid/environ" 2>/dev/null && victim=$pid
done
if [[ -z $victim ]]; then
  echo "FAILED: resume: no process 1 to kill (the run ended before its first checkpoint?)"
  status=1
else
  kill -9 "$victim"
  wait "$launcher"
  code=$?
  echo "== resume: process 1 killed after $(($(grep -c . "$run_dir/metrics.csv") - 1)) epochs; mpirun exit status $code"
  timeout 120 "${mpirun[@]}" -np 2 "$classifier" "${args[@]}" --resume >"$scratch/resume.out" 2>&1
  code=$?
  rows=$(($(grep -c . "$run_dir/metrics.csv") - 1))
  echo "== resume: exit status $code, $rows epochs in metrics.csv"
  tail -1 "$scratch/resume.out" | sed 's/^/   | /'
  if ((code != 0 || rows != 3)); then
    echo "FAILED: resume: expected exit status 0 and 3 epochs"
    status=1
  fi
fi
exit $status
