#!/usr/bin/env bash
# Installs what the tests need, builds them and runs them with CTest, twice:
# with g++ (everything: library tests, examples, benchmarks) into build/, then
# with clang 19 under AddressSanitizer and UndefinedBehaviorSanitizer (the
# library's tests: unit, compile-fail, headers, guide, README, install) into
# build-clang/, whose fuzz targets then run 40 s each (tests/fuzz/run.sh; their edges level off within it).
# The compile-fail cases hold under both compilers.
set -euo pipefail
cd "$(dirname "$0")/.."
# clang 19, its sanitizers and libFuzzer; PyTorch for the round trips of scripts/ctnet_torch.py
scripts/install-deps.sh clang-19 libclang-rt-19-dev python3-torch
scripts/fetch_mnist.sh data/mnist

start=$SECONDS
scripts/build.sh
echo "test.sh: g++ build took $((SECONDS - start)) s"
(cd build && ctest --output-on-failure -j 2)

start=$SECONDS
CXX=clang++-19 BUILD_DIR=build-clang scripts/build.sh -DCTNET_BUILD_EXAMPLES=OFF -DCTNET_BUILD_BENCH=OFF \
  -DCTNET_SANITIZE=ON -DCTNET_BUILD_FUZZERS=ON
echo "test.sh: clang 19 build (sanitizers, fuzz targets) took $((SECONDS - start)) s"
(cd build-clang && ctest --output-on-failure -j 2)
tests/fuzz/run.sh 40 build-clang
