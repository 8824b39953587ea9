#!/usr/bin/env bash
# The GPU validation run: on a machine with a GPU and its OpenCL driver, with the runtime image (no JDK, no network
# needed), in about 4 minutes, it
#   1. lists the OpenCL devices (devices), after checking for an ICD loader and a registered driver;
#   2. runs the self-check of every kernel against the reference backend (devices --check --device opencl);
#   3. times bench --device opencl at 128 px resnet_6blocks and 256 px resnet_9blocks, batch 1 and 4, with the peak
#      device memory (and the per-kernel profile at 256 px, batch 1);
#   4. times the same iteration in PyTorch on CUDA (benchmarks/pytorch_bench.py --device cuda: FP32 with TF32 off, and
#      PyTorch's defaults) when a python with a CUDA build of torch is found;
#   5. sweeps the local-memory GEMM tiles and work-group shapes (-Dcyclegan.opencl.gemm_tile, see kernels/opencl/
#      GemmTiling.java) with bench --profile at 256 px resnet_9blocks, batch 1: each layer's time per tile;
# and writes everything, with the machine's description (GPU, driver, glibc) and a summary, to OUT/gpu_check.txt.
# Each step runs under a time limit taken from what is left of the budget; a step that fails is reported and the run
# goes on. Exit status: 0 all ran and passed, 1 a step failed, 2 bad usage, 3 cannot run at all (no image, no OpenCL).
#
#   bash benchmarks/gpu_check.sh --out DIR [--image DIR] [--register-icd] [--budget SECONDS] [--quick] [--python PATH]
#
#   --out DIR        where gpu_check.txt goes (made if missing)
#   --image DIR      the runtime image (default train/target/runtime-image; built by mvn -B -q package -DskipTests
#                    -Pruntime-image)
#   --register-icd   when a vendor's OpenCL library is installed but no ICD file names it, register it for this run
#                    only (OCL_ICD_VENDORS pointing into OUT; nothing on the system changes) instead of stopping
#   --budget S       seconds for the whole run (default 230; --quick: 900)
#   --quick          tiny sizes, for a CPU OpenCL device such as PoCL: tests the script, measures nothing
#   --python PATH    the python for PyTorch (default: the first of $PYTHON, python3, /usr/bin/python3 with torch)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

usage() { sed -n '/^#   bash/,/^#   --python/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
image=$repo/train/target/runtime-image out= register_icd=0 budget= quick=0 python=
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --image) [ $# -ge 2 ] || usage; image=$2; shift 2 ;;
    --register-icd) register_icd=1; shift ;;
    --budget) [ $# -ge 2 ] || usage; budget=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --python) [ $# -ge 2 ] || usage; python=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "gpu_check.sh: unknown option '$1'" >&2; usage ;;
  esac
done
[ -n "$out" ] || { echo "gpu_check.sh: --out DIR is required (where gpu_check.txt goes)" >&2; exit 2; }
[ -z "$budget" ] && budget=$([ "$quick" = 1 ] && echo 900 || echo 230)
case $budget in ''|*[!0-9]*) echo "gpu_check.sh: --budget must be a whole number of seconds, got '$budget'" >&2; exit 2 ;; esac
mkdir -p "$out" || { echo "gpu_check.sh: cannot make --out $out" >&2; exit 2; }
out=$(cd "$out" && pwd)
results=$out/gpu_check.txt
: > "$results"
start=$SECONDS
failures=0
summary=()

log() { echo "$*" | tee -a "$results"; }
problem() { log "PROBLEM: $*"; }
cannot_run() { problem "$*"; log "gpu_check: cannot run (see above); results in $results"; exit 3; }
left() { echo $((budget - (SECONDS - start))); }

# step NAME LIMIT COMMAND...: runs COMMAND with at most LIMIT seconds (less if the budget has less left), its output
# into the results file; sets step_rc and step_output (the output's file).
step_index=0
step() {
  local name=$1 limit=$2 t0 remaining
  shift 2
  step_index=$((step_index + 1))
  step_output=$out/.step$step_index.log
  remaining=$(( $(left) - 5 ))
  if [ "$remaining" -lt 10 ]; then
    log "== $name: skipped, out of time (budget ${budget} s)"
    step_rc=124
    : > "$step_output"
    return
  fi
  [ "$limit" -gt "$remaining" ] && limit=$remaining
  log "== $name (limit ${limit} s): $*"
  t0=$SECONDS
  timeout -k 5 "$limit" "$@" > "$step_output" 2>&1 < /dev/null
  step_rc=$?
  cat "$step_output" >> "$results"
  if [ "$step_rc" -eq 124 ] || [ "$step_rc" -eq 137 ]; then
    log "-- $name: TIMED OUT after $((SECONDS - t0)) s"
  else
    log "-- $name: exit $step_rc, $((SECONDS - t0)) s"
  fi
}
json_number() { grep -o "\"$2\":[-0-9.eE+]*" "$1" | tail -1 | cut -d: -f2; }
mib() { awk -v b="$1" 'BEGIN { if (b == "") print "?"; else printf "%.0f", b / 1048576 }'; }

# ---- the machine
log "gpu_check $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n): $(uname -srm)"
log "glibc: $(ldd --version 2>/dev/null | head -1)"
if command -v nvidia-smi >/dev/null; then
  log "nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>&1 | head -4 | tr '\n' ';')"
else
  log "nvidia-smi: not installed"
fi
[ "$quick" = 1 ] && log "quick mode: tiny sizes, for testing the script on a CPU OpenCL device; the figures mean nothing"

# ---- the runtime image
engine=$image/bin/cyclegan-engine
[ -x "$engine" ] && [ -x "$image/bin/java" ] \
  || cannot_run "no runtime image at $image (no bin/cyclegan-engine): build it on a machine with a JDK with mvn -B -q package -DskipTests -Pruntime-image and copy train/target/runtime-image here, or give --image DIR"
image=$(cd "$image" && pwd)
engine=$image/bin/cyclegan-engine
if ! version=$("$image/bin/java" -version 2>&1); then
  log "$version"
  if echo "$version" | grep -q GLIBC; then
    cannot_run "the image's Java needs a newer C library than this machine's ($(ldd --version 2>/dev/null | head -1)): the image was built on Debian 12 and needs glibc 2.34 or later (e.g. Ubuntu 22.04 or later)"
  fi
  cannot_run "the image's Java does not start ($image/bin/java -version)"
fi
log "image: $image, $(echo "$version" | sed -n 2p)"

# ---- OpenCL: the ICD loader, and the vendors' drivers it can find
in_ld_path() {   # whether the dynamic linker finds library $1 (the cache, LD_LIBRARY_PATH, the usual directories)
  local d p
  for p in $({ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | awk -v n="$1" '$1 == n { print $NF }'); do
    [ -s "$p" ] && return 0
  done
  local IFS=:
  for d in ${LD_LIBRARY_PATH:-} /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64 /usr/lib; do
    [ -n "$d" ] && [ -s "$d/$1" ] && return 0
  done
  return 1
}
find_library() {   # the path of library $1 where a driver may put it, or nothing
  local d
  for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/wsl/lib /opt/rocm/lib /opt/rocm/opencl/lib; do
    [ -e "$d/$1" ] && { echo "$d/$1"; return; }
  done
  { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | awk -v n="$1" '$1 == n && !found { found = $NF } END { if (found) print found }'
}

if in_ld_path libOpenCL.so.1; then
  log "OpenCL ICD loader: libOpenCL.so.1 found"
elif [ -e "$image/lib/opencl-loader/libOpenCL.so.1" ]; then
  export LD_LIBRARY_PATH=$image/lib/opencl-loader${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  log "OpenCL ICD loader: none installed (libOpenCL.so.1 not found); using the image's ($image/lib/opencl-loader, ocl-icd). To install one: apt-get install ocl-icd-libopencl1"
else
  cannot_run "no OpenCL ICD loader: libOpenCL.so.1 not found (and the image has none in lib/opencl-loader). Fix: apt-get install ocl-icd-libopencl1 (Debian/Ubuntu), or copy a libOpenCL.so.1 into a folder named in LD_LIBRARY_PATH"
fi

vendors=${OCL_ICD_VENDORS:-/etc/OpenCL/vendors}
icd_text=$(cat "$vendors"/*.icd "$vendors" 2>/dev/null | tr '\n' ' ')
icd_files=$(ls "$vendors" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')
log "OpenCL ICD files in $vendors: ${icd_files:-none}${icd_text:+ (naming: $icd_text)}"
unregistered=()
for entry in "libnvidia-opencl.so.1:nvidia:NVIDIA's OpenCL driver" "libamdocl64.so:amdocl64:AMD's OpenCL driver" \
             "libigdrcl.so:intel:Intel's OpenCL driver" "libpocl.so.2:pocl:PoCL"; do
  lib=${entry%%:*} rest=${entry#*:}
  icd=${rest%%:*} what=${rest#*:}
  path=$(find_library "$lib")
  [ -n "$path" ] || continue
  if echo "$icd_text" | grep -q "${lib%%.so*}"; then
    log "OpenCL driver: $what ($path), registered"
    continue
  fi
  # The library is there, but no ICD file names it: the loader will not see it.
  name=$lib
  in_ld_path "$lib" || name=$path
  unregistered+=("$icd:$name:$what")
  problem "$what is installed ($path) but no ICD file in $vendors registers it, so OpenCL cannot see it. Fix (as root): mkdir -p /etc/OpenCL/vendors && echo $name > /etc/OpenCL/vendors/$icd.icd"
done
if [ ${#unregistered[@]} -gt 0 ]; then
  if [ "$register_icd" = 1 ]; then
    mkdir -p "$out/icd"
    for entry in "${unregistered[@]}"; do
      icd=${entry%%:*} rest=${entry#*:}
      echo "${rest%%:*}" > "$out/icd/$icd.icd"
    done
    # Keep what was registered already, then add ours.
    for f in "$vendors"/*.icd; do [ -f "$f" ] && cp "$f" "$out/icd/"; done
    export OCL_ICD_VENDORS=$out/icd
    log "--register-icd: registered for this run only: OCL_ICD_VENDORS=$OCL_ICD_VENDORS ($(ls "$out/icd" | tr '\n' ' '))"
  else
    log "(or rerun with --register-icd to register it for this run only)"
  fi
fi

# ---- 1. devices
step "devices" 60 "$engine" devices
devices_log=$step_output
if ! grep -q "opencl:0" "$devices_log"; then
  if grep -q "libOpenCL" "$devices_log"; then
    cannot_run "the OpenCL ICD loader could not be loaded (see the devices output above): apt-get install ocl-icd-libopencl1"
  fi
  if [ ${#unregistered[@]} -gt 0 ] && [ "$register_icd" = 0 ]; then
    cannot_run "no OpenCL device: a driver is installed but not registered (the fix is above; or rerun with --register-icd)"
  fi
  cannot_run "no OpenCL device: no driver found. Install the GPU vendor's OpenCL driver (NVIDIA: it comes with the driver as libnvidia-opencl.so.1; in a container, NVIDIA_DRIVER_CAPABILITIES must include compute)"
fi
if ! grep -E "opencl:[0-9]+ +GPU" "$devices_log" >/dev/null; then
  if [ "$quick" = 1 ]; then
    log "note: no OpenCL GPU, only: $(grep -E 'opencl:[0-9]+ ' "$devices_log" | sed 's/^ *//' | cut -c1-80 | tr '\n' ';')"
  else
    problem "no OpenCL GPU, only: $(grep -E 'opencl:[0-9]+ ' "$devices_log" | sed 's/^ *//' | cut -c1-80 | tr '\n' ';') (use --quick on a CPU device)"
    failures=$((failures + 1))
  fi
fi
summary+=("device: $(grep -E 'opencl:[0-9]+ ' "$devices_log" | head -1 | sed 's/^ *//')")

# ---- 2. the self-check
if [ "$quick" = 1 ]; then check_limit=300; else check_limit=60; fi
step "self-check" "$check_limit" "$engine" devices --check --device opencl
if [ "$step_rc" -eq 0 ]; then
  summary+=("self-check: passed")
else
  failures=$((failures + 1))
  summary+=("self-check: FAILED (exit $step_rc; its output is in the results file)")
fi

# ---- 3. bench --device opencl
if [ "$quick" = 1 ]; then
  configs=("32 resnet_1blocks 1" "32 resnet_1blocks 2")
  timing=(--iters 1 --warmup 0 --ngf 8 --ndf 8)
  bench_limit=120
else
  configs=("128 resnet_6blocks 1" "128 resnet_6blocks 4" "256 resnet_9blocks 1" "256 resnet_9blocks 4")
  timing=(--iters 3 --warmup 1)
  bench_limit=30
fi
for c in "${configs[@]}"; do
  set -- $c
  size=$1 netG=$2 batch=$3
  profile=()
  [ "$c" = "${configs[-2]}" ] && profile=(--profile)   # the per-kernel profile of the large size at batch 1
  step "bench opencl ${size} px $netG batch $batch" "$bench_limit" "$engine" bench --device opencl --size "$size" --netG "$netG" \
    --batch_size "$batch" "${timing[@]}" "${profile[@]}" --json
  if [ "$step_rc" -eq 0 ] && grep -q '"seconds_per_iter"' "$step_output"; then
    summary+=("opencl bench ${size} px $netG batch $batch: $(json_number "$step_output" seconds_per_iter) s/iter, peak device $(mib "$(json_number "$step_output" peak_device_bytes)") MiB")
  else
    failures=$((failures + 1))
    summary+=("opencl bench ${size} px $netG batch $batch: FAILED (exit $step_rc)")
  fi
done

# ---- 4. PyTorch on CUDA
torch_python= tried=
for py in "$python" "${PYTHON:-}" python3 /usr/bin/python3; do
  [ -n "$py" ] || continue
  tried="$tried $py"
  command -v "$py" >/dev/null || continue
  if "$py" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 3)' >/dev/null 2>&1; then torch_python=$py; break; fi
done
if [ -z "$torch_python" ]; then
  log "== PyTorch CUDA bench: skipped: no python here imports a CUDA build of torch that sees a GPU (tried:$tried)"
  summary+=("pytorch cuda: skipped (no python with CUDA torch)")
else
  log "PyTorch: $torch_python, $("$torch_python" -c 'import torch; print("torch", torch.__version__, "CUDA", torch.version.cuda, torch.cuda.get_device_name(0))' 2>&1)"
  for c in "${configs[@]}"; do
    set -- $c
    step "pytorch cuda ${1} px $2 batch $3" 40 "$torch_python" "$here/pytorch_bench.py" --device cuda --size "$1" --netG "$2" \
      --batch_size "$3" --iters 3 --warmup 1 --json
    if [ "$step_rc" -eq 0 ]; then
      while read -r line; do summary+=("pytorch cuda ${1} px $2 batch $3: $line"); done \
        < <(grep -o '[a-z0-9]* (matmul TF32 [A-Za-z]*, cuDNN TF32 [A-Za-z]*): median .*' "$step_output")
    else
      failures=$((failures + 1))
      summary+=("pytorch cuda ${1} px $2 batch $3: FAILED (exit $step_rc)")
    fi
  done
fi

# ---- 5. the tile and work-group sweep
if [ "$quick" = 1 ]; then
  tiles=(32x32x16/4x4 16x16x8/2x2 24x40x8/3x5)
  sweep=(--size 32 --netG resnet_1blocks --ngf 8 --ndf 8 --batch_size 1 --iters 1 --warmup 0)
  sweep_limit=120
else
  # The built-in tiles first (GemmTiling.WIDE), then other shapes and depths.
  tiles=(64x64x16/4x4 32x32x16/4x4 16x16x8/2x2 64x64x8/4x4 64x64x32/4x4 128x64x16/8x4 64x128x16/4x8 128x128x16/8x8
         32x64x16/2x4 64x32x16/4x2)
  sweep=(--size 256 --netG resnet_9blocks --batch_size 1 --iters 1 --warmup 1)
  sweep_limit=25
fi
for tile in "${tiles[@]}"; do
  # The java launcher reads JDK_JAVA_OPTIONS, and the jar's launcher passes the options on to the JVM it restarts.
  step "sweep: tile $tile" "$sweep_limit" env JDK_JAVA_OPTIONS="-Dcyclegan.opencl.tiling=local -Dcyclegan.opencl.gemm_tile=$tile" \
    "$engine" bench --device opencl "${sweep[@]}" --profile --json
  if [ "$step_rc" -eq 0 ] && grep -q '"seconds_per_iter"' "$step_output"; then
    summary+=("sweep tile $tile: $(json_number "$step_output" seconds_per_iter) s/iter")
  else
    summary+=("sweep tile $tile: no figure (exit $step_rc)")
  fi
done

# ---- summary
log ""
log "== summary ($((SECONDS - start)) s of a ${budget} s budget)"
for line in "${summary[@]}"; do log "  $line"; done
rm -f "$out"/.step*.log
if [ "$failures" -eq 0 ]; then
  log "gpu_check: all steps passed; results in $results"
else
  log "gpu_check: $failures step(s) failed; results in $results"
  exit 1
fi
