#!/usr/bin/python3
"""Inputs for signal_chaining.sh: a resnet_9blocks generator (ngf 64, instance norm, 3 -> 3 channels, the reference's
init) saved as the reference saves it, torch.save(net.state_dict(), path), and random 256x256 RGB images.

Run with Debian's python3 (python3-torch, python3-pil):

    /usr/bin/python3 src-test/stress/make_inputs.py OUT_DIR [IMAGES]

Writes OUT_DIR/G9.pth and OUT_DIR/in/img<i>.png (IMAGES of them, default 2). Seeded: the same files every time.
"""
import os
import sys

import torch
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from generate_network_fixtures import define_G  # noqa: E402  (the reference's networks, re-implemented for the fixtures)


def main():
    out = sys.argv[1]
    images = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    torch.manual_seed(0)
    torch.save(define_G(3, 3, 64, "resnet_9blocks", norm="instance").state_dict(), os.path.join(out, "G9.pth"))
    os.makedirs(os.path.join(out, "in"), exist_ok=True)
    g = torch.Generator().manual_seed(1)
    for i in range(images):
        pixels = torch.randint(0, 256, (256, 256, 3), generator=g, dtype=torch.uint8).numpy()
        Image.fromarray(pixels, "RGB").save(os.path.join(out, "in", "img%d.png" % i))


if __name__ == "__main__":
    main()
