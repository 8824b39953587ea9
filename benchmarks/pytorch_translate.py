#!/usr/bin/python3
"""The PyTorch peer of `cyclegan-engine translate`: the reference's test-time generator (eval mode, no gradients, batch
1, as its test.py runs it) over a folder of images, each read with PIL, normalised to [-1, 1], translated, converted
back as the reference's tensor2im does and written as PNG. Prints images per second all-in (reading, network,
writing) and for the network's forward passes alone.

    /usr/bin/python3 benchmarks/pytorch_translate.py --input DIR --output DIR --netG resnet_9blocks --threads 2 --json
    /usr/bin/python3 benchmarks/pytorch_translate.py --save_weights G.pth    # the generator it times, for translate

The generator is the reference's ResnetGenerator (src-test/fixtures/generate_network_fixtures.py) with the reference's
initialisation from --seed; --save_weights writes its state dict, so that translate runs the same weights.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src-test", "fixtures"))
from generate_network_fixtures import define_G  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description="Times the reference's test-time generator over a folder of images.")
    ap.add_argument("--input")
    ap.add_argument("--output")
    ap.add_argument("--netG", default="resnet_9blocks")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save_weights", help="write the generator's state dict here and stop")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    g = define_G(3, 3, 64, a.netG, "instance")
    if a.save_weights:
        torch.save(g.state_dict(), a.save_weights)
        return
    if not a.input or not a.output:
        ap.error("--input and --output are required (or --save_weights)")
    g.eval()
    os.makedirs(a.output, exist_ok=True)
    names = sorted(n for n in os.listdir(a.input) if n.lower().endswith(".png"))
    forward = 0.0
    start = time.perf_counter()
    with torch.no_grad():
        for n in names:
            img = np.asarray(Image.open(os.path.join(a.input, n)).convert("RGB"), dtype=np.float32)
            x = torch.from_numpy(img / 127.5 - 1.0).permute(2, 0, 1).unsqueeze(0).contiguous()
            t = time.perf_counter()
            y = g(x)
            forward += time.perf_counter() - t
            out = ((y[0].permute(1, 2, 0).numpy() + 1) / 2.0 * 255.0).astype(np.uint8)   # tensor2im
            Image.fromarray(out).save(os.path.join(a.output, n))
    total = time.perf_counter() - start
    result = {"images": len(names), "seconds": total, "images_per_s": len(names) / total,
              "forward_images_per_s": len(names) / forward, "torch": torch.__version__, "threads": a.threads, "netG": a.netG}
    print("PyTorch %s, %s, %d threads: %d images in %.1f s, %.3f images/s all-in, %.3f images/s forward only"
          % (torch.__version__, a.netG, a.threads, len(names), total, result["images_per_s"], result["forward_images_per_s"]))
    if a.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
