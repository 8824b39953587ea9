#!/usr/bin/env bash
# Times one CycleGAN training iteration (resnet_6blocks G by default, basic D, batch 1) with this engine's bench command and with
# PyTorch (benchmarks/pytorch_bench.py) on the same machine, alternating the two so that both see the same machine
# state, and prints the median of each run's median.
#
#   bash benchmarks/compare_pytorch.sh [sizes (default "64 128")] [rounds (default 3)] [threads (default 2)] [netG (default resnet_6blocks)]
#
# The reference's own setting is 256 px with resnet_9blocks: bash benchmarks/compare_pytorch.sh 256 3 2 resnet_9blocks
# (the jar's launcher sizes the heap for it; no -Xmx needed). Extra JVM options for the engine go in JAVA_OPTS, e.g.
# JAVA_OPTS=-Dcyclegan.cpu.winograd=off to time the GEMM path.
#
# Needs the jar (mvn -B -q package -DskipTests) and Debian's python3-torch + libopenblas0-pthread.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-64 128}"
rounds="${2:-3}"
threads="${3:-2}"
netG="${4:-resnet_6blocks}"
jar=train/target/cyclegan-engine.jar
[ -f "$jar" ] || { echo "build the jar first: mvn -B -q package -DskipTests" >&2; exit 2; }
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; java $(java -version 2>&1 | head -1)"
for size in $sizes; do
  ours=(); torch=()
  for r in $(seq "$rounds"); do
    ours+=("$(java ${JAVA_OPTS:-} -jar "$jar" bench --size "$size" --netG "$netG" --iters 5 --warmup 2 --device cpu \
      --threads "$threads" --json 2>/dev/null | tail -1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_iter"])')")
    torch+=("$(/usr/bin/python3 benchmarks/pytorch_bench.py --size "$size" --netG "$netG" --iters 5 --warmup 2 \
      --threads "$threads" --json | tail -1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_iter"])')")
  done
  /usr/bin/python3 - "$size" "${ours[*]}" "${torch[*]}" "$netG" <<'PY'
import statistics, sys
size, ours, torch, net = sys.argv[1], [float(v) for v in sys.argv[2].split()], [float(v) for v in sys.argv[3].split()], sys.argv[4]
o, t = statistics.median(ours), statistics.median(torch)
print("%s " % net + "%4s px  cyclegan-engine %.3f s/iter %s   PyTorch %.3f s/iter %s   ratio %.2f"
      % (size, o, ["%.3f" % v for v in ours], t, ["%.3f" % v for v in torch], o / t))
PY
done
