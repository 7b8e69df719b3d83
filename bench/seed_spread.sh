#!/usr/bin/env bash
# The quality of a generative example over several seeds, with the defaults a
# user gets: one training run per seed, then the figure the example is judged
# by, one row per seed and the spread (docs/benchmarks.md, "Quality over seeds").
#
#   bench/seed_spread.sh MODEL [SEEDS] [-- EXTRA FLAGS]
#
#   conv_vae  5 epochs   test -ELBO (val_loss) and its KL
#   mlp_vae   10 epochs  the same
#   cgan      5 epochs   samples classified as their label, Frechet distance, classes predicted
#   dcgan     5 epochs   Frechet distance, inception score, classes predicted
#
# SEEDS defaults to "1 2 3 4 5". Runs go to ${OUT:-runs/seed_spread}/MODEL-sS
# (a finished run is scored again, not retrained); the GANs' samples are
# scored by evaluate_samples with a LeNet trained once (lenet --epochs 5) in
# ${OUT}/lenet. A class counts as predicted when at least 1 % of the samples
# are classified as it. Needs scripts/build.sh's examples and MNIST in data/.
# A benchmark: it prints figures and asserts nothing. Runs at low priority.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?usage: bench/seed_spread.sh conv_vae|mlp_vae|cgan|dcgan [SEEDS] [-- FLAGS]}
shift
seeds="1 2 3 4 5"
if [[ $# -gt 0 && $1 != -- ]]; then seeds=$1; shift; fi
[[ ${1:-} == -- ]] && shift
extra=("$@")
out=${OUT:-runs/seed_spread}
bin=${BIN:-build/examples}
case $model in
  conv_vae) epochs=5 ;;
  mlp_vae) epochs=10 ;;
  cgan | dcgan) epochs=5 ;;
  *) echo "seed_spread.sh: unknown model '$model' (conv_vae|mlp_vae|cgan|dcgan)" >&2; exit 2 ;;
esac
mkdir -p "$out"

# A number from one-line JSON: json KEY TEXT
json() { sed -n "s/.*\"$1\": *\([-0-9.e+]*\).*/\1/p" <<< "$2"; }
# The last row's value of a CSV column: csv_last FILE COLUMN
csv_last() { awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i } END { print $k }' "$1"; }

if [[ $model == cgan || $model == dcgan ]] && [[ ! -f $out/lenet/lenet.safetensors ]]; then
  nice -n 10 "$bin/lenet" --epochs 5 --quiet --out "$out/lenet" > /dev/null
fi

values=()
echo "$model, $epochs epochs, flags: ${extra[*]:-(defaults)}"
for s in $seeds; do
  run=$out/$model-s$s
  if [[ ! -f $run/metrics.csv ]] || (($(wc -l < "$run/metrics.csv") <= epochs)); then
    start=$SECONDS
    nice -n 10 "$bin/$model" --epochs "$epochs" --seed "$s" --quiet --out "$run" "${extra[@]}" > "$run.log" 2>&1 ||
      { echo "seed $s: $model failed, see $run.log" >&2; exit 1; }
    echo "seed $s: trained in $((SECONDS - start)) s" >&2
  fi
  case $model in
    conv_vae | mlp_vae)
      v=$(csv_last "$run/metrics.csv" val_loss)
      row="test -ELBO $v, KL $(csv_last "$run/metrics.csv" val_kl), encoder features that $(grep -o 'never fire: [0-9]* of [0-9]*' "$run.log")" ;;
    cgan | dcgan)
      args=(--samples "$run/samples-images-idx3-ubyte" --classifier "$out/lenet/lenet.safetensors" --no-nn)
      [[ $model == cgan ]] && args+=(--labels "$run/samples-labels-idx1-ubyte")
      scores=$(nice -n 10 "$bin/evaluate_samples" "${args[@]}" | tail -1)
      counts=$(sed -n 's/.*"predicted_class_counts": *\[\([0-9, ]*\)\].*/\1/p' <<< "$scores")
      classes=$(tr ',' '\n' <<< "$counts" | awk '$1 >= 100 { k++ } END { print k + 0 }')
      fid=$(json frechet_distance "$scores")
      if [[ $model == cgan ]]; then
        v=$(json label_accuracy "$scores")
        row="label accuracy $v, Frechet $fid, $classes of 10 classes"
      else
        v=$fid
        row="Frechet $fid, IS $(json inception_score "$scores"), $classes of 10 classes"
      fi ;;
  esac
  values+=("$v")
  echo "| $s | $row |"
done
printf '%s\n' "${values[@]}" | sort -g | awk '{ v[NR] = $1 } END {
  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "median %g, min %g, max %g, spread %g over %d seeds\n", m, v[1], v[NR], v[NR] - v[1], NR }'
