#!/usr/bin/env bash
# Installs what the tests need, builds them and runs them with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/fetch_mnist.sh data/mnist
scripts/build.sh
cd build
ctest --output-on-failure -j 2
