#!/usr/bin/env bash
# Images per second through one resnet_9blocks generator (ngf 64) on the same images, back to back on one machine:
# translate with --batch_size 1 and with its default, the Spark job in local[2] (two tasks of one cpu thread each, through
# train/scripts/spark_submit_local.sh), and PyTorch's eval-mode generator (benchmarks/pytorch_translate.py: reading,
# forward, writing; and its forward passes alone). Each figure is the median over the rounds; each counts from the
# first image to the last written (not the JVM's or Python's start, nor loading the weights, except the Spark tasks'
# own loading on their executors). The weights are PyTorch's initialisation saved as a .pth, so both run the same
# network; the images are the embedded emoji enlarged to SIZE px.
#
#   bash benchmarks/compare_translate.sh [size (default 256)] [images (default 24)] [rounds (default 2)] [threads (default 2)]
#
# Needs the jar (mvn -B -q package -DskipTests) and Debian's python3-torch, python3-pil.
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-256}"
count="${2:-24}"
rounds="${3:-2}"
threads="${4:-2}"
netG=resnet_9blocks
jar=train/target/cyclegan-engine.jar
[ -f "$jar" ] || { echo "build the jar first: mvn -B -q package -DskipTests" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; java $(java -version 2>&1 | head -1)"
/usr/bin/python3 - "$work/in" "$size" "$count" <<'PY'
import glob, os, sys
from PIL import Image
out, size, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out)
sources = sorted(glob.glob("train/src/main/resources/org/cyclegan/train/data/emoji-g2t-32/trainA/*.png"))[:count]
for i, f in enumerate(sources):
    Image.open(f).convert("RGB").resize((size, size), Image.BILINEAR).save(os.path.join(out, "%03d.png" % i))
PY
/usr/bin/python3 benchmarks/pytorch_translate.py --save_weights "$work/G.pth" --netG "$netG"

rate() {   # the images/s of a summary line "... (X images/s)"
  sed -n 's/.*(\([0-9.]*\) images\/s).*/\1/p' | tail -1
}
declare -A figures
for r in $(seq "$rounds"); do
  for batch in 1 4; do
    figures[translate_b$batch]+=" $(java -jar "$jar" translate --weights "$work/G.pth" --input "$work/in" --output "$work/out_b$batch" --overwrite \
      --device cpu --threads "$threads" --batch_size "$batch" 2>/dev/null | rate)"
  done
  figures[spark]+=" $(bash train/scripts/spark_submit_local.sh --master "local[$threads]" -- --weights "$work/G.pth" --input "$work/in" \
    --output "$work/out_spark" --overwrite --threads 1 2>/dev/null | rate)"
  json=$(/usr/bin/python3 benchmarks/pytorch_translate.py --input "$work/in" --output "$work/out_torch" --netG "$netG" --threads "$threads" --json | tail -1)
  figures[torch]+=" $(echo "$json" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["images_per_s"])')"
  figures[torch_forward]+=" $(echo "$json" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["forward_images_per_s"])')"
done
/usr/bin/python3 - "$size" "$count" "$threads" "${figures[translate_b1]}" "${figures[translate_b4]}" "${figures[spark]}" "${figures[torch]}" "${figures[torch_forward]}" <<'PY'
import statistics, sys
size, count, threads = sys.argv[1:4]
names = ["translate --batch_size 1", "translate --batch_size 4", "Spark job, local[%s], 1 thread per task" % threads,
         "PyTorch eval, all-in", "PyTorch eval, forward only"]
runs = [[float(v) for v in s.split()] for s in sys.argv[4:9]]
torch = statistics.median(runs[3])
print("resnet_9blocks, %s px, %s images, %s threads: images/s (median of %d rounds)" % (size, count, threads, len(runs[0])))
for name, values in zip(names, runs):
    m = statistics.median(values)
    print("  %-42s %6.3f images/s  %s   %.2fx PyTorch's all-in" % (name, m, ["%.3f" % v for v in values], m / torch))
PY
