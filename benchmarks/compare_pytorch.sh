#!/usr/bin/env bash
# Times one CycleGAN training iteration (resnet_6blocks G, basic D, batch 1) with this engine's bench command and with
# PyTorch (benchmarks/pytorch_bench.py) on the same machine, alternating the two so that both see the same machine
# state, and prints the median of each run's median.
#
#   bash benchmarks/compare_pytorch.sh [sizes (default "64 128")] [rounds (default 3)] [threads (default 2)]
#
# Needs the jar (mvn -B -q package -DskipTests) and Debian's python3-torch + libopenblas0-pthread.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-64 128}"
rounds="${2:-3}"
threads="${3:-2}"
jar=train/target/cyclegan-engine.jar
[ -f "$jar" ] || { echo "build the jar first: mvn -B -q package -DskipTests" >&2; exit 2; }
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; java $(java -version 2>&1 | head -1)"
for size in $sizes; do
  ours=(); torch=()
  for r in $(seq "$rounds"); do
    ours+=("$(java -jar "$jar" bench --size "$size" --netG resnet_6blocks --iters 5 --warmup 2 --device cpu \
      --threads "$threads" --json 2>/dev/null | tail -1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_iter"])')")
    torch+=("$(/usr/bin/python3 benchmarks/pytorch_bench.py --size "$size" --netG resnet_6blocks --iters 5 --warmup 2 \
      --threads "$threads" --json | tail -1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_iter"])')")
  done
  /usr/bin/python3 - "$size" "${ours[*]}" "${torch[*]}" <<'PY'
import statistics, sys
size, ours, torch = sys.argv[1], [float(v) for v in sys.argv[2].split()], [float(v) for v in sys.argv[3].split()]
o, t = statistics.median(ours), statistics.median(torch)
print("%4s px  cyclegan-engine %.3f s/iter %s   PyTorch %.3f s/iter %s   ratio %.2f"
      % (size, o, ["%.3f" % v for v in ours], t, ["%.3f" % v for v in torch], o / t))
PY
done
