#!/usr/bin/env bash
# The Spark job started as spark-submit starts it (train/scripts/spark_submit_local.sh: SparkSubmit with the JVM options
# of Spark's launcher, not the test suite's JVM), in local[2]: on five embedded emoji and one broken file it must exit
# 0, name the broken file, commit (_SUCCESS, no _temporary) and write translate's PNGs byte for byte. Run by .ci/run.
#
#   bash train/scripts/check_spark_submit.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=train/target/cyclegan-engine.jar
[ -f "$jar" ] || { echo "build the jar first: mvn -B -q package -DskipTests" >&2; exit 2; }
weights=src-test/src/test/resources/fixtures/interop_resnet_6blocks.pth
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in/sub"
i=0
for f in train/src/main/resources/org/cyclegan/train/data/emoji-g2t-32/trainA/*.png; do
  i=$((i + 1)); [ "$i" -le 5 ] || break
  if [ "$i" -le 3 ]; then cp "$f" "$work/in/"; else cp "$f" "$work/in/sub/"; fi
done
printf '\x89PNG broken' > "$work/in/sub/broken.png"

fail() { echo "check_spark_submit: $*" >&2; exit 1; }
java -jar "$jar" translate --weights "$weights" --input "$work/in" --output "$work/expected" --device cpu --threads 1 >/dev/null 2>&1 \
  || fail "translate failed"
status=0
bash train/scripts/spark_submit_local.sh --master 'local[2]' -- --weights "$weights" --input "$work/in" --output "$work/out" \
  --threads 1 >"$work/stdout" 2>"$work/stderr" || status=$?
[ "$status" -eq 0 ] || { tail -20 "$work/stderr" >&2; fail "the job exited with status $status"; }
grep -q "translated 5 of 6 images" "$work/stdout" || { cat "$work/stdout" >&2; fail "no 'translated 5 of 6 images' in its summary"; }
grep -q "broken.png" "$work/stderr" || fail "the broken image was not named"
[ -e "$work/out/_SUCCESS" ] || fail "no _SUCCESS: the job did not commit"
[ ! -e "$work/out/_temporary" ] || fail "_temporary left behind"
expected=$(cd "$work/expected" && find . -name '*.png' | sort)
actual=$(cd "$work/out" && find . -name '*.png' | sort)
[ "$expected" = "$actual" ] || fail "other files than translate's: $(echo $actual) against $(echo $expected)"
for f in $expected; do cmp -s "$work/expected/$f" "$work/out/$f" || fail "$f differs from translate's"; done
echo "check_spark_submit: spark-submit's way in local[2]: $(echo "$expected" | wc -l) PNGs, translate's byte for byte; broken.png named and skipped"
