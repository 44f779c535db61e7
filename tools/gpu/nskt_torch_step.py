"""PyTorch reference for the NSKT SSP-RK3 step, timed beside fieldbench's WebGPU solver in the same GPU-machine call.

The same maths as packages/datagen/src/nskt/solver-cpu.ts and webgpu/: state = full complex DFT of the vorticity
(n x n, complex64), per right-hand side three complex 2-D FFTs (ifft((kx + i ky) psi) = u + i v,
ifft((i kx - ky) w) = w_x + i w_y, fft(u w_x + v w_y)), 2/3-rule square truncation, viscosity 1/Re, SSP-RK3, and
dt = min(cfl dx / max(|u| + |v|), 2 / (nu kmax^2)) from the first stage, kept on the GPU (no read-back), as ours.
Strict fp32 (TF32 off; the FFTs are fp32 either way). Timing: CUDA events around --steps steps, --runs runs after
warm-up; median and range of ms per step. Also the FFT floor: one 2048^2 complex fft2+ifft2 pair and an
rfft2+irfft2 pair. Writes --out (JSON) and prints one line per row.

  python3 tools/gpu/nskt_torch_step.py --n 2048 --batch 1,2,4 --out $OUT/torch-step.json
"""
import argparse
import json
import math
import statistics

import torch

p = argparse.ArgumentParser()
p.add_argument("--n", type=int, default=2048)
p.add_argument("--batch", default="1,2,4")
p.add_argument("--re", type=float, default=16000)
p.add_argument("--steps", type=int, default=60)
p.add_argument("--runs", type=int, default=5)
p.add_argument("--out", default="torch-step.json")
args = p.parse_args()

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = "cuda"


def events_ms(fn, steps, runs, warmup=5):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    per = []
    for _ in range(runs):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        for _ in range(steps):
            fn()
        e.record()
        torch.cuda.synchronize()
        per.append(s.elapsed_time(e) / steps)
    return {"median": statistics.median(per), "min": min(per), "max": max(per), "runs": per}


def solver(n, batch, re):
    k = torch.fft.fftfreq(n, d=1.0 / n, device=dev)
    kx, ky = torch.meshgrid(k, k, indexing="ij")
    k2 = kx**2 + ky**2
    inv_k2 = torch.where(k2 == 0, torch.zeros_like(k2), 1.0 / k2)
    cut = n / 3
    keep = ((kx.abs() < cut) & (ky.abs() < cut) & (k2 != 0)).to(torch.float32)
    nu = 1.0 / re
    kmax = math.ceil(n / 3) - 1
    dt_visc = 2.0 / (nu * 2 * kmax * kmax)
    dx = 2 * math.pi / n
    g = torch.Generator(device=dev).manual_seed(1)
    # Any dealiased vorticity with about the solver's scales will do for timing: band-limited noise.
    w = torch.fft.fft2(torch.randn(batch, n, n, device=dev, generator=g)) * keep * torch.exp(-k2 / 400.0)
    a_op = (kx + 1j * ky) * inv_k2
    b_op = 1j * kx - ky

    def rhs(wh):
        a = torch.fft.ifft2(a_op * wh)  # u + i v (unnormalised by torch's 1/n^2: ifft2 normalises)
        b = torch.fft.ifft2(b_op * wh)  # w_x + i w_y
        nl = (a.real * b.real + a.imag * b.imag).to(torch.complex64)
        speed = (a.real.abs() + a.imag.abs()).amax(dim=(-2, -1))
        return (-torch.fft.fft2(nl) - nu * k2 * wh) * keep, speed

    state = {"w": w}

    def step():
        wh = state["w"]
        r1, speed = rhs(wh)
        dt = torch.minimum(0.5 * dx / speed.clamp_min(1e-30), torch.tensor(dt_visc, device=dev))[:, None, None]
        s = wh + dt * r1
        r2, _ = rhs(s)
        s = 0.75 * wh + 0.25 * (s + dt * r2)
        r3, _ = rhs(s)
        state["w"] = wh / 3 + 2.0 / 3 * (s + dt * r3)

    return step


rows = {}
n = args.n
c = torch.randn(n, n, device=dev, dtype=torch.complex64)
f = torch.randn(n, n, device=dev)
rows["fft2_ifft2_c2c_pair"] = events_ms(lambda: torch.fft.ifft2(torch.fft.fft2(c)), 20, args.runs)
rows["rfft2_irfft2_pair"] = events_ms(lambda: torch.fft.irfft2(torch.fft.rfft2(f), s=(n, n)), 20, args.runs)
for name, r in rows.items():
    print(f"{name} {n}^2: median {r['median']:.3f} ms ({r['min']:.3f}-{r['max']:.3f})", flush=True)
for batch in [int(b) for b in args.batch.split(",")]:
    step = solver(n, batch, args.re)
    r = events_ms(step, args.steps, args.runs)
    r["per_trajectory_median"] = r["median"] / batch
    rows[f"nskt_step_batch{batch}"] = r
    print(f"torch NSKT SSP-RK3 step {n}^2 batch {batch}: median {r['median']:.3f} ms "
          f"({r['min']:.3f}-{r['max']:.3f}), {r['per_trajectory_median']:.3f} ms per trajectory", flush=True)
    del step
    torch.cuda.empty_cache()

meta = {"torch": torch.__version__, "cuda": torch.version.cuda, "device": torch.cuda.get_device_name(0),
        "tf32": False, "n": n, "re": args.re, "steps": args.steps, "runs": args.runs}
with open(args.out, "w") as fh:
    json.dump({"meta": meta, "rows": rows}, fh, indent=1)
