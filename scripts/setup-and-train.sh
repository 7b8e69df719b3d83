#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install the dependencies, fetch
# MNIST, build the CNN trainer and train report 1's experiment 2 for one
# epoch into runs/cnn-exp2 (summary, metrics, plots, checkpoint).
# Extra arguments go to the trainer, e.g. --epochs 3.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/fetch_mnist.sh data/mnist
scripts/build.sh cnn_classifier
build/examples/cnn_classifier --experiment 2 --epochs 1 --out runs/cnn-exp2 "$@"
echo "run directory: runs/cnn-exp2"
ls -l runs/cnn-exp2
