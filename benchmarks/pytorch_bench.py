#!/usr/bin/python3
"""The PyTorch peer of `java -jar cyclegan-engine.jar bench`: the same CycleGAN training iteration (both generators,
both discriminators, LSGAN + cycle + identity losses, image pools, two Adams), timed the same way (warm-up, then the
median of the timed iterations), on random images.

    /usr/bin/python3 benchmarks/pytorch_bench.py --size 128 --netG resnet_6blocks --iters 5 --threads 2

Needs Debian's python3-torch (and libopenblas0-pthread, or its transposed convolution falls back to a slow BLAS).
The networks come from src-test/fixtures/generate_network_fixtures.py, a faithful copy of the reference's networks.py.
"""
import argparse
import json
import os
import random
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src-test", "fixtures"))
from generate_network_fixtures import define_D, define_G  # noqa: E402


class ImagePool:
    """The reference's ImagePool."""

    def __init__(self, size):
        self.size = size
        self.images = []

    def query(self, images):
        if self.size == 0:
            return images
        out = []
        for image in images:
            image = torch.unsqueeze(image.data, 0)
            if len(self.images) < self.size:
                self.images.append(image)
                out.append(image)
            elif random.uniform(0, 1) > 0.5:
                i = random.randint(0, self.size - 1)
                tmp = self.images[i].clone()
                self.images[i] = image
                out.append(tmp)
            else:
                out.append(image)
        return torch.cat(out, 0)


def gan_loss(pred, real):
    return torch.nn.functional.mse_loss(pred, torch.full_like(pred, 1.0 if real else 0.0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--netG", default="resnet_9blocks")
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    gA = define_G(3, 3, 64, a.netG, "instance")
    gB = define_G(3, 3, 64, a.netG, "instance")
    dA = define_D(3, 64, "basic", norm="instance")
    dB = define_D(3, 64, "basic", norm="instance")
    optG = torch.optim.Adam(list(gA.parameters()) + list(gB.parameters()), lr=2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(list(dA.parameters()) + list(dB.parameters()), lr=2e-4, betas=(0.5, 0.999))
    poolA, poolB = ImagePool(50), ImagePool(50)
    l1 = torch.nn.functional.l1_loss

    def step():
        realA = torch.rand(1, 3, a.size, a.size) * 2 - 1
        realB = torch.rand(1, 3, a.size, a.size) * 2 - 1
        fakeB = gA(realA); recA = gB(fakeB); fakeA = gB(realB); recB = gA(fakeA)
        for p in list(dA.parameters()) + list(dB.parameters()):
            p.requires_grad_(False)
        optG.zero_grad()
        idtA = l1(gA(realB), realB) * 10 * 0.5
        idtB = l1(gB(realA), realA) * 10 * 0.5
        lossG = gan_loss(dA(fakeB), True) + gan_loss(dB(fakeA), True) + l1(recA, realA) * 10 + l1(recB, realB) * 10 + idtA + idtB
        lossG.backward()
        optG.step()
        for p in list(dA.parameters()) + list(dB.parameters()):
            p.requires_grad_(True)
        optD.zero_grad()
        for d, real, fake in ((dA, realB, poolB.query(fakeB)), (dB, realA, poolA.query(fakeA))):
            loss = (gan_loss(d(real), True) + gan_loss(d(fake.detach()), False)) * 0.5
            loss.backward()
        optD.step()

    for i in range(a.warmup):
        step()
    times = []
    for i in range(a.iters):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
        print("  iteration %d: %.3f s" % (i + 1, times[-1]))
    med = statistics.median(times)
    print("PyTorch %s, %s, %d×%d, %d threads: median %.3f s/iter" % (torch.__version__, a.netG, a.size, a.size, a.threads, med))
    if a.json:
        print(json.dumps({"seconds_per_iter": med, "seconds": times, "torch": torch.__version__, "threads": a.threads,
                          "size": a.size, "netG": a.netG}))


if __name__ == "__main__":
    main()
