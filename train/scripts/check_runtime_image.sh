#!/usr/bin/env bash
# Tests the runtime image (train/scripts/make_runtime_image.sh) on a machine that has nothing but the C library, the
# C++ runtime and zlib: no JDK, no desktop libraries (libjpeg, freetype, harfbuzz, lcms2, libpng, fontconfig), no fonts,
# no shell tools. Such a machine is made here: a chroot holding only those libraries, /bin/sh, the image (mounted
# read-only) and two JPEG images, in a mount namespace of its own (nothing is left mounted afterwards). In it the
# image's bin/cyclegan-engine runs
#   info                      the autodiff self-test
#   bench --json              one tiny training iteration on the cpu backend
#   train --dataroot          one tiny epoch on those JPEGs (a colour and a grayscale one: libjpeg's decoder, lcms2's
#                             gray conversion), which writes the loss plot with its labels (freetype, harfbuzz, a font)
# and fails when a command fails, when the launcher could not restart the image's own java with signal chaining, when the
# plot could not be written, or when the image is over its size budget.
#
#   sudo bash train/scripts/check_runtime_image.sh [IMAGE]     (default train/target/runtime-image)
#
# KEEP_PLOT=FILE.png also keeps the loss plot drawn in the chroot, to look at its labels.
#
# Needs root (chroot, mount namespace: unshare from util-linux), as CI and a Debian container have.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/../.." && pwd)
image=$(cd "${1:-$root_dir/train/target/runtime-image}" 2>/dev/null && pwd) \
  || { echo "$0: no runtime image at ${1:-$root_dir/train/target/runtime-image}: build it with mvn -B -q package -DskipTests -Pruntime-image" >&2; exit 2; }
[ -x "$image/bin/cyclegan-engine" ] && [ -x "$image/bin/java" ] || { echo "$0: $image has no bin/cyclegan-engine and bin/java: not a runtime image" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (chroot and a mount namespace)" >&2; exit 2; }
budget_kib=$((60 * 1024))

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

size_kib=$(du -sk "$image" | cut -f1)
echo "image: $image, $((size_kib / 1024)).$(( (size_kib % 1024) * 10 / 1024 )) MiB on disk (budget 60 MiB), $("$image/bin/java" -version 2>&1 | sed -n 2p)"
[ "$size_kib" -le "$budget_kib" ] || fail "the image takes $size_kib KiB on disk, over the budget of $budget_kib KiB"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jail=$work/root
mkdir -p "$jail/bin" "$jail/proc" "$jail/dev" "$jail/opt/cyclegan-engine" "$jail/data/trainA" "$jail/data/trainB"
mkdir -m 1777 "$jail/tmp"

# The base system: the libraries the image may take from a machine (make_runtime_image.sh's is_base_library) and sh.
copy_in() { cp --parents -L "$1" "$jail"; }
sh_binary=$(readlink -f /bin/sh)
cp "$sh_binary" "$jail/bin/sh"
for f in "$image/bin/java" "$image/lib/server/libjvm.so" "$image/lib/libzip.so" "$sh_binary"; do
  ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | sort -u | grep -v "^$image/" | while read -r lib; do copy_in "$lib"; done
for name in libpthread.so.0 libdl.so.2 librt.so.1; do
  lib=$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64/ && !found { found = $NF } END { print found }')
  [ -n "$lib" ] && copy_in "$lib"
done
echo "chroot: $(cd "$jail" && find . -name '*.so*' | sort | tr '\n' ' ')/bin/sh"
for lib in libjpeg.so.62 libfreetype.so.6 libharfbuzz.so.0 liblcms2.so.2 libpng16.so.16 libfontconfig.so.1; do
  if [ -n "$(find "$jail" -name "$lib" -not -path "$jail/opt/*" -print -quit)" ]; then fail "$lib made its way into the chroot's system"; fi
done
mknod -m 666 "$jail/dev/null" c 1 3
mknod -m 666 "$jail/dev/zero" c 1 5
mknod -m 666 "$jail/dev/random" c 1 8
mknod -m 666 "$jail/dev/urandom" c 1 9

# Two 32x32 JPEGs (a red disc on white; a gray disc), one per domain.
base64 -d > "$jail/data/trainA/disc.jpg" <<'EOF'
/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxl
Z2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAgACADASIAAhEB
AxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS
0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKz
tLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgEC
BAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpj
ZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6
/9oADAMBAAIRAxEAPwD0CufvvFdpbyNHbxNcMrYLBgqH6HnP5UeL717ewjgjZladjuI7qByP1H61xdYzm07I9DC4WM488ztLHxXaXEix3ETW7M2AxYMg
+p4x+VdBXlddp4QvXuLCSCRmZoGG0nspHA/Q/pRCbbswxWFjCPPAPF9k9xYRzxqzNAx3AdlI5P6D9a4uvVK5++8KWlxI0lvK1uzNkqFDIPoOMfnRODbu
gwuKjCPJM4uu08IWT29hJPIrK07DaD3UDg/qf0osfClpbyLJcStcMrZClQqH6jnP510FEINO7DFYqM48kD//2Q==
EOF
base64 -d > "$jail/data/trainB/disc.jpg" <<'EOF'
/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxl
Z2P/wAALCAAgACABAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJx
FDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZ
mqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APQK5rUPGdnbStFbQvcsjYLBgqH1
IPOefajT/GdncyrFcwvbM7YDFgyD0JPGOfaulrmvG9+9tp0VtE7o1wxDFehQDkZ9yR+tcFRXe+CL97nTpbaV3drdgFLdAhHAz7EH9KPG9g9zp0VzEju1
uxLBegQjk49iB+tcFRXe+CLB7bTpbmVHRrhgVDdCgHBx7kn9K6Wua1DwZZ3MrS20z2zO2SoUMg9QBxjn3o0/wZZ20qy3Mz3LI2QpUKh9ARznn3rpa//Z
EOF

# Each command's exit status and output land in the work folder; the namespace's mounts end with it.
cat > "$work/inside.sh" <<'EOF'
set -u
jail=$1 image=$2 out=$3
chroot=$(command -v chroot)
mount --make-rprivate /
mount --bind "$image" "$jail/opt/cyclegan-engine" && mount -o remount,bind,ro "$jail/opt/cyclegan-engine"
mount -t proc proc "$jail/proc"
run() {
  label=$1; shift
  env -i PATH=/bin HOME=/tmp/home LANG=C.UTF-8 "$chroot" "$jail" /opt/cyclegan-engine/bin/cyclegan-engine "$@" > "$out/$label.log" 2>&1
  echo $? > "$out/$label.rc"
}
run info info
run bench bench --device cpu --size 32 --netG resnet_1blocks --ngf 4 --ndf 4 --iters 1 --warmup 0 --threads 1 --json
run train train --device cpu --dataroot /data --name check --checkpoints_dir /tmp/checkpoints --load_size 32 --crop_size 32 \
  --netG resnet_1blocks --ngf 4 --ndf 4 --n_epochs 1 --n_epochs_decay 0 --pool_size 1 --print_freq 1 --threads 1
cp "$jail/tmp/checkpoints/check/loss_plot.png" "$out/loss_plot.png" 2>/dev/null || true
EOF
unshare --mount bash "$work/inside.sh" "$jail" "$image" "$work" || fail "could not set up the chroot's mounts (unshare --mount)"

check() {   # check LABEL EXPECTED-OUTPUT: the command exited 0, said EXPECTED-OUTPUT, and the launcher had nothing to say
  local label=$1 expected=$2 log=$work/$1.log
  echo "== $label (exit $(cat "$work/$label.rc" 2>/dev/null || echo '?'))"
  sed 's/^/   /' "$log" 2>/dev/null | tail -n 12
  [ "$(cat "$work/$label.rc" 2>/dev/null)" = 0 ] || fail "$label exited $(cat "$work/$label.rc" 2>/dev/null || echo 'without a status')"
  grep -q -- "$expected" "$log" 2>/dev/null || fail "$label did not print '$expected'"
  # Missing libraries, except the OpenCL loader: the machine has none, and the engine says so and uses the cpu backend.
  local trouble
  trouble=$(grep -E "running without signal chaining|cannot restart|UnsatisfiedLinkError|Error|Exception|could not update the loss plot|cannot open shared object" "$log" 2>/dev/null | grep -v "libOpenCL" | head -1 || true)
  [ -z "$trouble" ] || fail "$label: $trouble"
}
check info "demo ok"
check bench '"seconds_per_iter"'
check train "epoch 1"
[ -s "$work/loss_plot.png" ] || fail "train wrote no loss_plot.png"
if [ -n "${KEEP_PLOT:-}" ] && [ -s "$work/loss_plot.png" ]; then cp "$work/loss_plot.png" "$KEEP_PLOT" && echo "loss plot drawn in the chroot: $KEEP_PLOT"; fi

if [ "$failures" -eq 0 ]; then
  echo "runtime image ok: info, bench and train (JPEG input, loss plot with labels) ran with only libc, libstdc++ and zlib from the system"
else
  echo "runtime image check: $failures failure(s)"
  exit 1
fi
