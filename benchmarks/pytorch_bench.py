#!/usr/bin/python3
"""The PyTorch peer of `java -jar cyclegan-engine.jar bench`: the same CycleGAN training iteration (both generators,
both discriminators, LSGAN + cycle + identity losses, image pools, two Adams), timed the same way (warm-up, then the
median of the timed iterations), on random images.

    /usr/bin/python3 benchmarks/pytorch_bench.py --size 128 --netG resnet_6blocks --iters 5 --threads 2
    python3 benchmarks/pytorch_bench.py --device cuda --size 256 --netG resnet_9blocks --batch_size 4 --json

On the CPU it needs Debian's python3-torch (and libopenblas0-pthread, or its transposed convolution falls back to a
slow BLAS). With --device cuda (a CUDA build of PyTorch and a visible GPU) it times the iteration twice, each run from
the same seed: in plain FP32 with TF32 off (torch.backends.cuda.matmul.allow_tf32 and torch.backends.cudnn.allow_tf32
False: like for like with our FP32 kernels), then with PyTorch's defaults (on NVIDIA GPUs since Ampere, cuDNN's
convolutions then use TF32 tensor cores); --cuda_modes picks one. The device is synchronised before and after each
timed iteration, and each run reports its peak device memory (torch.cuda.max_memory_allocated: parameters, Adam state
and pools included) and the peak of an iteration above what was allocated when it began. cuDNN's autotuner is on, as
the reference's BaseModel sets it (--no_cudnn_benchmark turns it off).
The networks come from src-test/fixtures/generate_network_fixtures.py, a faithful copy of the reference's networks.py.
"""
import argparse
import json
import os
import random
import statistics
import sys
import time

try:
    import torch
except ImportError as e:
    sys.exit("error: PyTorch is not importable by %s (%s): install it (Debian: python3-torch) or run another python"
             % (sys.executable, e))

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


# name: (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32), as set before any run
CUDA_MODES = {
    "fp32": (False, False),
    "default": (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32),   # this PyTorch's own
}


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1, not %d" % value)
    return value


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Times the CycleGAN training iteration of `cyclegan-engine bench` in PyTorch.")
    ap.add_argument("--size", type=positive, default=128)
    ap.add_argument("--netG", default="resnet_9blocks")
    ap.add_argument("--batch_size", type=positive, default=1, help="images per domain per iteration")
    ap.add_argument("--iters", type=positive, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=positive, default=2, help="CPU threads (--device cpu)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument("--cuda_modes", default="fp32,default",
                    help="--device cuda: the runs, in order: fp32 (TF32 off) and/or default (PyTorch's settings)")
    ap.add_argument("--no_cudnn_benchmark", action="store_true", help="--device cuda: leave cuDNN's autotuner off")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if a.warmup < 0:
        ap.error("argument --warmup: must be at least 0, not %d" % a.warmup)
    a.cuda_modes = [m.strip() for m in a.cuda_modes.split(",") if m.strip()]
    unknown = [m for m in a.cuda_modes if m not in CUDA_MODES]
    if unknown or not a.cuda_modes:
        ap.error("argument --cuda_modes: %r: give fp32, default, or fp32,default" % ",".join(unknown))
    return a


def cuda_unavailable_reason():
    """Why --device cuda cannot run here, or None when it can."""
    if torch.version.cuda is None:
        return "this PyTorch (%s, %s) is built without CUDA: install a CUDA build of PyTorch" % (torch.__version__, torch.__file__)
    if not torch.cuda.is_available():
        return ("PyTorch %s (CUDA %s) sees no CUDA device: is there an NVIDIA GPU with its driver (nvidia-smi), and is "
                "CUDA_VISIBLE_DEVICES unset?" % (torch.__version__, torch.version.cuda))
    return None


def build(a, device):
    """The reference's CycleGAN training iteration, from the seed: the step function."""
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    gA = define_G(3, 3, 64, a.netG, "instance").to(device)
    gB = define_G(3, 3, 64, a.netG, "instance").to(device)
    dA = define_D(3, 64, "basic", norm="instance").to(device)
    dB = define_D(3, 64, "basic", norm="instance").to(device)
    optG = torch.optim.Adam(list(gA.parameters()) + list(gB.parameters()), lr=2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(list(dA.parameters()) + list(dB.parameters()), lr=2e-4, betas=(0.5, 0.999))
    poolA, poolB = ImagePool(50), ImagePool(50)
    l1 = torch.nn.functional.l1_loss

    def step():
        realA = torch.rand(a.batch_size, 3, a.size, a.size, device=device) * 2 - 1
        realB = torch.rand(a.batch_size, 3, a.size, a.size, device=device) * 2 - 1
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

    return step


def run_cpu(a):
    torch.set_num_threads(a.threads)
    step = build(a, "cpu")
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
                          "size": a.size, "netG": a.netG, "batch_size": a.batch_size, "device": "cpu"}))


def run_cuda_mode(a, mode):
    """One timed run on the GPU with the mode's TF32 settings; its figures."""
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = CUDA_MODES[mode]
    torch.backends.cudnn.benchmark = not a.no_cudnn_benchmark
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    step = build(a, "cuda")
    for i in range(a.warmup):
        step()
    torch.cuda.synchronize()
    times, iteration_peaks = [], []
    run_peak = 0   # the run's peak: each iteration resets PyTorch's peak counter to measure its own
    for i in range(a.iters):
        torch.cuda.synchronize()
        run_peak = max(run_peak, torch.cuda.max_memory_allocated())
        start_bytes = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        t = time.perf_counter()
        step()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
        iteration_peaks.append(torch.cuda.max_memory_allocated() - start_bytes)
        print("  %s iteration %d: %.4f s" % (mode, i + 1, times[-1]))
    peak = max(run_peak, torch.cuda.max_memory_allocated())
    result = {"mode": mode, "seconds_per_iter": statistics.median(times), "seconds": times, "peak_bytes": peak,
              "peak_iteration_bytes": max(iteration_peaks),
              "matmul_allow_tf32": torch.backends.cuda.matmul.allow_tf32, "cudnn_allow_tf32": torch.backends.cudnn.allow_tf32,
              "cudnn_benchmark": torch.backends.cudnn.benchmark}
    del step
    return result


def run_cuda(a):
    reason = cuda_unavailable_reason()
    if reason is not None:
        print("error: --device cuda: " + reason, file=sys.stderr)
        return 2
    gpu = torch.cuda.get_device_name(0)
    runs = []
    for mode in a.cuda_modes:
        r = run_cuda_mode(a, mode)
        runs.append(r)
        print("PyTorch %s on %s (CUDA %s, cuDNN %s), %s, %d×%d, batch %d, %s (matmul TF32 %s, cuDNN TF32 %s): median %.4f s/iter, "
              "peak device memory %.1f MiB (an iteration: %.1f MiB above its start)"
              % (torch.__version__, gpu, torch.version.cuda, torch.backends.cudnn.version(), a.netG, a.size, a.size,
                 a.batch_size, mode, r["matmul_allow_tf32"], r["cudnn_allow_tf32"], r["seconds_per_iter"],
                 r["peak_bytes"] / 2**20, r["peak_iteration_bytes"] / 2**20))
    if a.json:
        print(json.dumps({"device": "cuda", "gpu": gpu, "torch": torch.__version__, "cuda": torch.version.cuda,
                          "cudnn": torch.backends.cudnn.version(), "size": a.size, "netG": a.netG,
                          "batch_size": a.batch_size, "iters": a.iters, "warmup": a.warmup, "runs": runs}))
    return 0


def main(argv=None):
    a = parse_args(argv)
    if a.device == "cuda":
        return run_cuda(a)
    run_cpu(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
