#!/usr/bin/env bash
# Tests benchmarks/gpu_check.sh where there is no GPU, on PoCL's CPU device: a --quick run end to end (its figures and
# its exit status agreeing with its steps), and what it says when it cannot run: no runtime image; a driver installed
# but no ICD file registering it (OCL_ICD_VENDORS pointing at an empty folder), with and without --register-icd; no ICD
# loader (the machine's libOpenCL.so.1 hidden in a mount namespace), with an image that has none and with one that
# brings its own.
#
#   sudo bash benchmarks/gpu_check_test.sh [IMAGE]     (default train/target/runtime-image)
#
# Needs the runtime image, PoCL (pocl-opencl-icd, with the ocl-icd loader) and root (unshare --mount).
set -uo pipefail
cd "$(dirname "$0")/.."
image=${1:-train/target/runtime-image}
[ -x "$image/bin/cyclegan-engine" ] || { echo "$0: no runtime image at $image: build it with mvn -B -q package -DskipTests -Pruntime-image" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# expect CASE FILE TEXT: FILE (a case's results) contains TEXT
expect() { grep -qF -- "$3" "$2" || fail "$1: the results do not say '$3'"; }

echo "== a quick run on PoCL"
bash benchmarks/gpu_check.sh --quick --image "$image" --out "$work/quick" > "$work/quick.log" 2>&1
rc=$?
r=$work/quick/gpu_check.txt
sed -n '/== summary/,$p' "$r"
grep -Eq "opencl bench 32 px resnet_1blocks batch 1: [0-9.]+ s/iter, peak device [0-9]+ MiB" "$r" || fail "quick: no bench figure with its peak device memory"
grep -Eq "opencl bench 32 px resnet_1blocks batch 2: [0-9.]+ s/iter" "$r" || fail "quick: no bench figure at batch 2"
[ "$(grep -Ec "sweep tile [0-9x/]+: [0-9.]+ s/iter" "$r")" -eq 3 ] || fail "quick: the sweep did not time all 3 tiles"
grep -q "conv2d.forward 32<-16" "$r" || fail "quick: no per-kernel profile at the real layer shapes"
expect quick "$r" "pytorch cuda: skipped (no python with CUDA torch)"
if grep -q "self-check: passed" "$r"; then
  [ "$rc" -eq 0 ] || fail "quick: every step passed but it exited $rc"
else
  grep -q "self-check: FAILED" "$r" || fail "quick: the summary does not tell how the self-check went"
  [ "$rc" -eq 1 ] || fail "quick: the self-check failed but it exited $rc, not 1"
fi

echo "== no runtime image"
bash benchmarks/gpu_check.sh --image "$work/none" --out "$work/noimage" > /dev/null 2>&1
rc=$?
[ "$rc" -eq 3 ] || fail "no image: exit $rc, not 3"
expect "no image" "$work/noimage/gpu_check.txt" "no runtime image at $work/none"
grep PROBLEM "$work/noimage/gpu_check.txt"

echo "== PoCL installed, no ICD file registering it"
mkdir -p "$work/empty-vendors"
OCL_ICD_VENDORS=$work/empty-vendors bash benchmarks/gpu_check.sh --quick --image "$image" --out "$work/noicd" > /dev/null 2>&1
rc=$?
[ "$rc" -eq 3 ] || fail "no ICD file: exit $rc, not 3"
expect "no ICD file" "$work/noicd/gpu_check.txt" "PoCL is installed"
expect "no ICD file" "$work/noicd/gpu_check.txt" "echo libpocl.so.2 > /etc/OpenCL/vendors/pocl.icd"
expect "no ICD file" "$work/noicd/gpu_check.txt" "rerun with --register-icd"
grep PROBLEM "$work/noicd/gpu_check.txt"

echo "== the same with --register-icd"
OCL_ICD_VENDORS=$work/empty-vendors bash benchmarks/gpu_check.sh --quick --register-icd --budget 20 --image "$image" --out "$work/register" > /dev/null 2>&1
expect "--register-icd" "$work/register/gpu_check.txt" "registered for this run only: OCL_ICD_VENDORS=$work/register/icd"
grep -q "device: opencl:0" "$work/register/gpu_check.txt" || fail "--register-icd: the devices step found no OpenCL device"
grep -E "registered for this run|device: opencl:" "$work/register/gpu_check.txt"

echo "== no ICD loader"
loader=$(ldconfig -p | awk '$1 == "libOpenCL.so.1" && /x86-64/ && !found { found = $NF } END { print found }')
if [ -z "$loader" ]; then
  fail "no libOpenCL.so.1 installed here to hide (apt-get install ocl-icd-libopencl1)"
else
  cp -a "$image" "$work/image-without-loader"
  rm -rf "$work/image-without-loader/lib/opencl-loader"
  cat > "$work/noloader.sh" <<EOF
mount --make-rprivate /
mount --bind /dev/null "$(readlink -f "$loader")" || exit 9
bash benchmarks/gpu_check.sh --quick --image "$work/image-without-loader" --out "$work/noloader" > /dev/null 2>&1
echo \$? > "$work/noloader.rc"
bash benchmarks/gpu_check.sh --quick --budget 20 --image "$image" --out "$work/ownloader" > /dev/null 2>&1
exit 0
EOF
  unshare --mount bash "$work/noloader.sh" || fail "could not hide $loader in a mount namespace"
  [ "$(cat "$work/noloader.rc" 2>/dev/null)" = 3 ] || fail "no loader: exit $(cat "$work/noloader.rc" 2>/dev/null), not 3"
  expect "no loader" "$work/noloader/gpu_check.txt" "no OpenCL ICD loader: libOpenCL.so.1 not found"
  grep PROBLEM "$work/noloader/gpu_check.txt"
  if [ -e "$image/lib/opencl-loader/libOpenCL.so.1" ]; then
    expect "the image's loader" "$work/ownloader/gpu_check.txt" "using the image's"
    grep -q "device: opencl:0" "$work/ownloader/gpu_check.txt" || fail "the image's loader: the devices step found no OpenCL device"
    grep -E "ICD loader|device: opencl:" "$work/ownloader/gpu_check.txt"
  fi
fi

if [ "$failures" -eq 0 ]; then
  echo "gpu_check.sh ok: the quick run on PoCL, and its messages without an image, an ICD file or a loader"
else
  echo "gpu_check.sh test: $failures failure(s)"
  exit 1
fi
