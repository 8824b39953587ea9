#!/usr/bin/env bash
# Trains the embedded default run with extra options, translates the held-out Google emoji with its G_A and scores the
# result against the held-out Twemoji (L1, PSNR, SSIM, and the identity baseline). Used to judge tuning options on emoji
# the run never saw (README "The default run").
#
#   bash train/scripts/heldout_run.sh NAME SEED [train options ...]
#
# Needs the jar (mvn -B package -DskipTests) and the held-out split (train/scripts/make_heldout_split.sh). Writes
# checkpoints/heldout_runs/NAME (the run), heldout/fake_NAME (its translations) and prints eval's JSON line last.
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 NAME SEED [train options ...]" >&2; exit 2; fi
name=$1 seed=$2; shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
jar=${JAR:-$root/train/target/cyclegan-engine.jar}   # JAR=... runs another build (a copy, while this tree rebuilds)
[ -f "$jar" ] || { echo "$0: $jar is missing: build it with mvn -B package -DskipTests" >&2; exit 2; }
[ -d "$root/heldout/testA" ] || { echo "$0: $root/heldout/testA is missing: run train/scripts/make_heldout_split.sh" >&2; exit 2; }
ckpt=$root/checkpoints/heldout_runs
start=$(date +%s)
java -jar "$jar" train --name "$name" --checkpoints_dir "$ckpt" --seed "$seed" --overwrite "$@" > "$ckpt.$name.log" 2>&1 \
    || { echo "$0: training failed, see $ckpt.$name.log" >&2; exit 1; }
echo "trained $name (seed $seed, $*) in $(( $(date +%s) - start )) s"
rm -rf "$root/heldout/fake_$name"
java -jar "$jar" translate --weights "$ckpt/$name/latest_net_G_A.safetensors" --input "$root/heldout/testA" \
    --output "$root/heldout/fake_$name" > /dev/null
java -jar "$jar" eval --pred "$root/heldout/fake_$name" --target "$root/heldout/testB" --source "$root/heldout/testA" --json | tail -1
