#!/usr/bin/env bash
# Peak resident memory and time of one CycleGAN training iteration (basic D, batch 1, 2 threads), this engine's bench
# command against PyTorch (benchmarks/pytorch_bench.py), alternating the two so both see the same machine state. Ours
# runs as a user runs it: `java -jar` with no JVM flags, so with the heap the launcher picks. Peak RSS is that of the
# whole process tree (the launcher JVM and the JVM it starts), sampled by benchmarks/peak_rss.py.
#
#   bash benchmarks/compare_memory.sh [configs (default "128:resnet_6blocks 256:resnet_9blocks")] [rounds (default 2)] [extra bench options]
#
# e.g. bash benchmarks/compare_memory.sh "256:resnet_9blocks" 1 --recompute
# Needs the jar (mvn -B -q package -DskipTests) and Debian's python3-torch + libopenblas0-pthread.
set -euo pipefail
cd "$(dirname "$0")/.."
configs="${1:-128:resnet_6blocks 256:resnet_9blocks}"
rounds="${2:-2}"
shift 2 2>/dev/null || shift $#
extra=("$@")
jar=train/target/cyclegan-engine.jar
[ -f "$jar" ] || { echo "build the jar first: mvn -B -q package -DskipTests" >&2; exit 2; }
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; java $(java -version 2>&1 | head -1)"
for config in $configs; do
  size="${config%%:*}"; netG="${config##*:}"
  ours_s=(); ours_m=(); torch_s=(); torch_m=()
  for r in $(seq "$rounds"); do
    out=$(/usr/bin/python3 benchmarks/peak_rss.py -- java -jar "$jar" bench --size "$size" --netG "$netG" --iters 3 --warmup 1 \
      --device cpu --threads 2 --json "${extra[@]}" 2>/dev/null)
    ours_s+=("$(echo "$out" | grep '^{' | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_iter"])')")
    ours_m+=("$(echo "$out" | awk '/^peak_rss_mib/ {print $2}')")
    out=$(/usr/bin/python3 benchmarks/peak_rss.py -- /usr/bin/python3 benchmarks/pytorch_bench.py --size "$size" --netG "$netG" \
      --iters 3 --warmup 1 --threads 2 --json)
    torch_s+=("$(echo "$out" | grep '^{' | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_iter"])')")
    torch_m+=("$(echo "$out" | awk '/^peak_rss_mib/ {print $2}')")
  done
  /usr/bin/python3 - "$size" "$netG" "${ours_s[*]}" "${ours_m[*]}" "${torch_s[*]}" "${torch_m[*]}" "${extra[*]:-}" <<'PY'
import statistics, sys
size, net, extra = sys.argv[1], sys.argv[2], sys.argv[7]
os_, om, ts, tm = ([float(v) for v in a.split()] for a in sys.argv[3:7])
o, t, m, n = statistics.median(os_), statistics.median(ts), statistics.median(om), statistics.median(tm)
print("%4s px %-15s cyclegan-engine%s %.2f s/iter, peak RSS %.0f MiB   PyTorch %.2f s/iter, %.0f MiB   time ratio %.2f, memory ratio %.2f   (runs: ours %s / %s, PyTorch %s / %s)"
      % (size, net, " " + extra if extra else "", o, m, t, n, o / t, m / n, os_, om, ts, tm))
PY
done
