#!/usr/bin/python3
"""Builds the held-out split of the emoji-g2t-32 data set: the base emoji of the npm packages that the training split
left out, prepared exactly as the training images were.

Run through make_heldout_split.sh (which fetches the npm packages), or directly with Debian's python3 and PIL:

    /usr/bin/python3 train/scripts/make_heldout_split.py --google DIR --twitter DIR --out heldout

--google / --twitter are the extracted packages emoji-datasource-google@16.0.0 and emoji-datasource-twitter@16.0.0
(the folders holding emoji.json and img/). It writes <out>/testA/<image>.png (Google Noto Emoji),
<out>/testB/<image>.png (Twemoji) under the same file names, and <out>/manifest.csv with the training manifest's
columns (split = test).

The selection rules are those of the training split's NOTICE.md and manifest.csv, reconstructed and checked here:

1. Base emoji only: the top-level entries of emoji.json (skin-tone variants are nested under "skin_variations" and
   never taken), without the categories "Flags" and "Component", with a 64 px image in both packages.
2. Not nearly invisible on white: in both styles some pixel of the prepared 32 px image is more than
   INVISIBLE_INK levels below white in some channel. (Twemoji's white heart, white squares and white circle have no
   pixel darker than 228; the faintest training image has one at 200, so no training image fails this rule.)
3. Held out by variant group, as the training split was made: the manifest's "group" column puts the person / man /
   woman and facing-right variants of an emoji in one group (group_key below reproduces that column for every
   training row), and a whole group is on one side of the split. Every emoji whose group has a member in the
   training split is excluded.
4. No pixel duplicates: an emoji whose prepared Google or Twemoji image is pixel-identical to one of a training emoji
   (Twemoji draws all two-child families alike, for instance) is excluded; among the remaining ones a duplicate of an
   earlier one (emoji.json order) is dropped.

Preparation (identical to the training images, checked by --check-train): convert to RGBA, alpha-composite onto an
opaque white background, convert to RGB, resize 64 -> 32 with PIL's Lanczos filter.
"""
import argparse
import csv
import hashlib
import json
import os
import sys

import numpy as np
from PIL import Image

SIZE = 32
INVISIBLE_INK = 40
EXCLUDED_CATEGORIES = {"Flags", "Component"}
MANIFEST_COLUMNS = ["file", "unified", "name", "category", "subcategory", "skin_variant", "group", "split"]

# Codepoints that only select a variant of the emoji they follow in a ZWJ sequence: variation selector 16, the ZWJ
# itself, the female / male signs and the facing-right arrow.
VARIANT_SELECTORS = {"FE0F", "200D", "2640", "2642", "27A1"}
# Man, woman, person, boy, girl, child: in a sequence they all stand for "a person" (P).
PEOPLE = {"1F468", "1F469", "1F9D1", "1F466", "1F467", "1F9D2"}


def group_key(unified):
    """The variant group of an emoji, as the training manifest's "group" column: MAN RUNNING and WOMAN RUNNING FACING
    RIGHT are both 1F3C3, MAN COOK and WOMAN COOK both P-1F373. A lone codepoint (the female sign itself) is its own
    group."""
    cps = unified.upper().split("-")
    if len(cps) == 1:
        return cps[0]
    kept = [c for c in cps if c not in VARIANT_SELECTORS]
    if len(kept) > 1:
        kept = ["P" if c in PEOPLE else c for c in kept]
    return "-".join(kept)


def prepare(path):
    """64 px PNG of any mode -> 32x32 RGB on white, as the training split."""
    with Image.open(path) as im:
        rgba = im.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    rgb = Image.alpha_composite(white, rgba).convert("RGB")
    if rgb.size != (64, 64):
        raise SystemExit(f"error: {path} is {rgb.size[0]}x{rgb.size[1]}, expected 64x64")
    return rgb.resize((SIZE, SIZE), Image.LANCZOS)


def darkest_ink(img):
    """How far the darkest channel value of the image lies below white (0 = an all-white image)."""
    return int(255 - np.asarray(img).min())


def digest(img):
    return hashlib.sha256(img.tobytes()).hexdigest()


def read_manifest(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows or list(rows[0].keys()) != MANIFEST_COLUMNS:
        raise SystemExit(f"error: {path} does not have the columns {','.join(MANIFEST_COLUMNS)}")
    return rows


def load_emoji(google, twitter):
    with open(os.path.join(google, "emoji.json"), encoding="utf-8") as f:
        emoji = json.load(f)
    with open(os.path.join(twitter, "emoji.json"), encoding="utf-8") as f:
        if json.load(f) != emoji:
            raise SystemExit("error: the two packages' emoji.json differ; use the same emoji-datasource version for both")
    return emoji


def image_path(package, vendor, image):
    return os.path.join(package, "img", vendor, "64", image)


def check_train(rows, emoji, args):
    """Runs the preparation on every training emoji and compares with the shipped training images; also checks that
    group_key reproduces the manifest and that no training emoji would fail the visibility rule."""
    by_unified = {e["unified"]: e for e in emoji}
    worst = 0
    differing = 0
    for r in rows:
        e = by_unified.get(r["unified"])
        if e is None:
            raise SystemExit(f"error: training emoji {r['unified']} is not in emoji.json")
        if group_key(r["unified"]) != r["group"]:
            raise SystemExit(f"error: group_key({r['unified']}) = {group_key(r['unified'])}, manifest says {r['group']}")
        for package, vendor, side in ((args.google, "google", "trainA"), (args.twitter, "twitter", "trainB")):
            ours = prepare(image_path(package, vendor, e["image"]))
            with Image.open(os.path.join(args.train_dir, side, r["file"])) as shipped:
                shipped_px = np.asarray(shipped.convert("RGB"), dtype=np.int16)
            diff = int(np.abs(np.asarray(ours, dtype=np.int16) - shipped_px).max())
            worst = max(worst, diff)
            differing += diff > 0
            if darkest_ink(ours) <= INVISIBLE_INK:
                raise SystemExit(f"error: training image {side}/{r['file']} would count as invisible; INVISIBLE_INK is too high")
    print(f"reproduction check: {2 * len(rows)} training images re-made from the npm packages, "
          f"{differing} differ, largest difference {worst} levels (0..255)")
    return worst


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    embedded = os.path.join(here, "..", "src", "main", "resources", "org", "cyclegan", "train", "data", "emoji-g2t-32")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--google", required=True, help="extracted emoji-datasource-google package (holds emoji.json, img/)")
    ap.add_argument("--twitter", required=True, help="extracted emoji-datasource-twitter package")
    ap.add_argument("--out", required=True, help="output folder (testA/, testB/, manifest.csv)")
    ap.add_argument("--train-dir", default=embedded, help="the training split (manifest.csv, trainA/, trainB/)")
    ap.add_argument("--no-check-train", action="store_true", help="skip re-making and comparing the training images")
    args = ap.parse_args()

    rows = read_manifest(os.path.join(args.train_dir, "manifest.csv"))
    emoji = load_emoji(args.google, args.twitter)
    if not args.no_check_train and check_train(rows, emoji, args) != 0:
        raise SystemExit("error: the preparation does not reproduce the training images; the held-out split would not match")

    train_codes = {r["unified"] for r in rows}
    train_groups = {r["group"] for r in rows}
    by_unified = {e["unified"]: e for e in emoji}
    train_digests = set()
    for code in train_codes:
        e = by_unified[code]
        train_digests.add(("A", digest(prepare(image_path(args.google, "google", e["image"])))))
        train_digests.add(("B", digest(prepare(image_path(args.twitter, "twitter", e["image"])))))

    counts = dict(base=0, in_training=0, training_group=0, no_image=0, invisible=0, duplicate_of_training=0, duplicate=0)
    seen = set()
    chosen = []
    for e in emoji:
        if e["category"] in EXCLUDED_CATEGORIES:
            continue
        counts["base"] += 1
        code = e["unified"]
        if code in train_codes:
            counts["in_training"] += 1
            continue
        if group_key(code) in train_groups:
            counts["training_group"] += 1
            continue
        pa, pb = image_path(args.google, "google", e["image"]), image_path(args.twitter, "twitter", e["image"])
        if not (os.path.isfile(pa) and os.path.isfile(pb)):
            counts["no_image"] += 1
            continue
        a, b = prepare(pa), prepare(pb)
        if min(darkest_ink(a), darkest_ink(b)) <= INVISIBLE_INK:
            counts["invisible"] += 1
            continue
        keys = {("A", digest(a)), ("B", digest(b))}
        if keys & train_digests:
            counts["duplicate_of_training"] += 1
            continue
        if keys & seen:
            counts["duplicate"] += 1
            continue
        seen |= keys
        chosen.append((e, a, b))

    for side in ("testA", "testB"):
        os.makedirs(os.path.join(args.out, side), exist_ok=True)
        stale = [f for f in os.listdir(os.path.join(args.out, side)) if f.endswith(".png")]
        if stale:
            raise SystemExit(f"error: {os.path.join(args.out, side)} already holds {len(stale)} images; remove it first")
    with open(os.path.join(args.out, "manifest.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(MANIFEST_COLUMNS)
        for e, a, b in chosen:
            a.save(os.path.join(args.out, "testA", e["image"]))
            b.save(os.path.join(args.out, "testB", e["image"]))
            w.writerow([e["image"], e["unified"], e["name"], e["category"], e["subcategory"], 0, group_key(e["unified"]), "test"])

    print(f"base emoji in both packages (no flags, no components): {counts['base']}; in the training split: "
          f"{counts['in_training']}")
    print(f"left out: {counts['training_group']} in a training emoji's variant group, {counts['invisible']} nearly "
          f"invisible on white, {counts['duplicate_of_training']} pixel duplicates of a training image, "
          f"{counts['duplicate']} duplicates of another held-out one, {counts['no_image']} without both images")
    print(f"held-out split: {len(chosen)} emoji -> {os.path.join(args.out, 'testA')} (Google), "
          f"{os.path.join(args.out, 'testB')} (Twemoji)")


if __name__ == "__main__":
    sys.exit(main())
