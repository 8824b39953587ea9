#!/usr/bin/env bash
# Makes the held-out split of emoji-g2t-32: the base emoji of the npm packages that the training split left out, as
# OUT/testA (Google Noto Emoji) and OUT/testB (Twemoji), 32x32 RGB on white, same file names; see
# make_heldout_split.py for the selection rules. It first re-makes every training image from the packages and stops
# unless all are pixel-identical to the shipped ones.
#
#   bash train/scripts/make_heldout_split.sh [OUT]      (default: heldout, relative to the repository root)
#
# Needs npm (to fetch the packages from the npm registry) and Debian's python3 with PIL and numpy
# (apt-get install python3-pil python3-numpy). The downloaded packages are kept in OUT/npm and reused.
# OUT is git-ignored when it is heldout/: the images are not committed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/heldout}"
mkdir -p "$out/npm"
out="$(cd "$out" && pwd)"   # absolute: the script changes directory below
version=16.0.0
cd "$out/npm"
for pkg in emoji-datasource-google emoji-datasource-twitter; do
  if [ ! -f "$pkg-$version.tgz" ]; then
    npm pack --silent "$pkg@$version" > /dev/null
  fi
  if [ ! -d "$pkg" ]; then
    mkdir -p "$pkg.tmp"
    tar xzf "$pkg-$version.tgz" -C "$pkg.tmp" package/emoji.json "package/img/${pkg#emoji-datasource-}/64"
    mv "$pkg.tmp/package" "$pkg"
    rmdir "$pkg.tmp"
  fi
done
cd "$root"
rm -rf "$out/testA" "$out/testB" "$out/manifest.csv"
/usr/bin/python3 "$root/train/scripts/make_heldout_split.py" \
  --google "$out/npm/emoji-datasource-google" --twitter "$out/npm/emoji-datasource-twitter" --out "$out"
