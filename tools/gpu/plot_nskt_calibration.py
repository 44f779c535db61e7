"""Plots and tables of the NSKT calibration report from the GPU job's JSON lines (tools/gpu/datagen-calibrate.ts).

  /usr/bin/python3 tools/gpu/plot_nskt_calibration.py packages/datagen/reports/calibration-2026-12-03

Reads sweep.jsonl (k0 x time, seed 1) and confirm-k0-12.jsonl (k0 12, seeds 11-14) in that folder and writes
spectra.svg (energy spectra in the window against k^-3), sweep.svg (bicubic x8 / x16 RFNE against time per k0,
with SuperBench's published rows) and tables.md (the numbers the report quotes).
"""
import json
import statistics as st
import sys
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams["svg.hashsalt"] = "fieldbench"  # stable element ids, so a rerun gives the same file
folder = Path(sys.argv[1])
sweep = [json.loads(line) for line in (folder / "sweep.jsonl").read_text().splitlines() if line]
confirm = [json.loads(line) for line in (folder / "confirm-k0-12.jsonl").read_text().splitlines() if line]
# SuperBench's published Bicubic rows (test_1) and z-score stds (superbench.md sections 1.1 and 5).
TARGET = {
    16000: {"x8": 0.1244, "x16": 0.2174, "std": [0.67100703, 0.67113945, 10.27907989]},
    32000: {"x8": 0.1458, "x16": 0.2385, "std": [0.67831907, 0.68145471, 10.75285724]},
}
WINDOW = (2.5, 3.5)
SAVE = {"metadata": {"Date": None}}

fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, re in zip(axes, (16000, 32000)):
    for t, colour in ((2.5, "tab:blue"), (3.0, "tab:orange"), (3.5, "tab:green"), (4.5, "tab:red")):
        rows = [r for r in confirm if r["re"] == re and r["t"] == t]
        n = len(rows[0]["spectrum"])
        mean = [st.mean(r["spectrum"][k] for r in rows) for k in range(n)]
        ax.loglog(range(1, n), mean[1:], color=colour, lw=1, label=f"t = {t} (4 seeds)")
    ks = [10, 300]
    anchor = st.mean(r["spectrum"][10] for r in confirm if r["re"] == re and r["t"] == 3.0)
    ax.loglog(ks, [anchor * (k / 10) ** -3 for k in ks], "k--", lw=1, label="k^-3")
    for nyquist in (2048 / 16 / 2, 2048 / 8 / 2):
        ax.axvline(nyquist, color="grey", lw=0.6, ls=":")
    ax.set_title(f"Re {re}, 2048², k0 12")
    ax.set_xlabel("wavenumber k")
    ax.set_ylim(1e-14, 1)
    ax.legend(fontsize=7)
axes[0].set_ylabel("E(k), shell sum of 0.5 |û|²")
fig.text(0.5, -0.02, "dotted: Nyquist of the x16 (k = 64) and x8 (k = 128) LR grids", ha="center", fontsize=7)
fig.tight_layout()
fig.savefig(folder / "spectra.svg", **SAVE)

fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, re in zip(axes, (16000, 32000)):
    for k0, colour in zip((8, 12, 18, 25), ("tab:blue", "tab:orange", "tab:green", "tab:red")):
        rows = sorted((r for r in sweep if r["re"] == re and r["k0"] == k0), key=lambda r: r["t"])
        ts = [r["t"] for r in rows]
        ax.plot(ts, [r["bicubic"]["bicubic-x8"]["mean"] for r in rows], color=colour, marker="o", ms=3,
                label=f"k0 {k0}, x8")
        ax.plot(ts, [r["bicubic"]["bicubic-x16"]["mean"] for r in rows], color=colour, ls="--", lw=0.8)
    ax.axhline(TARGET[re]["x8"], color="k", lw=0.8)
    ax.axhline(TARGET[re]["x16"], color="k", lw=0.8, ls="--")
    ax.axvspan(*WINDOW, color="grey", alpha=0.15)
    ax.set_title(f"Re {re} (solid x8, dashed x16; black: SuperBench)", fontsize=9)
    ax.set_xlabel("t")
    ax.legend(fontsize=7)
axes[0].set_ylabel("RFNE (compat, z-scored, mean of u, v, w)")
fig.tight_layout()
fig.savefig(folder / "sweep.svg", **SAVE)


def pooled_std(rows, c):
    return st.mean(r["moments"][c]["std"] ** 2 for r in rows) ** 0.5


lines = ["| Re | split window | snapshots | x8 RFNE (SuperBench) | x16 RFNE (SuperBench) | std u | std v | std w "
         "(SuperBench u, v, w) | slope k 10-30 | 30-100 | 100-300 |",
         "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
for re in (16000, 32000):
    for name, lo, hi in (("window [2.5, 3.5]", 2.5, 3.5), ("later (3.5, 4.5]", 3.51, 4.5)):
        rows = [r for r in confirm if r["re"] == re and lo <= r["t"] <= hi]
        x8 = st.mean(r["bicubic"]["bicubic-x8"]["mean"] for r in rows)
        x16 = st.mean(r["bicubic"]["bicubic-x16"]["mean"] for r in rows)
        tgt = TARGET[re]
        sd = [pooled_std(rows, c) for c in range(3)]
        slopes = [st.mean(r["slopes"][b] for r in rows) for b in ("10-30", "30-100", "100-300")]
        x8s = f"{x8:.4f} ({x8 / tgt['x8'] - 1:+.1%})" if hi <= 3.5 else f"{x8:.4f}"
        x16s = f"{x16:.4f} ({x16 / tgt['x16'] - 1:+.1%})" if hi <= 3.5 else f"{x16:.4f}"
        stds = [f"{s:.3f} ({s / t - 1:+.1%})" if hi <= 3.5 else f"{s:.3f}" for s, t in zip(sd, tgt["std"])]
        lines.append(f"| {re} | {name} | {len(rows)} | {x8s} | {x16s} | {' | '.join(stds)} | "
                     + " | ".join(f"{v:.2f}" for v in slopes) + " |")
(folder / "tables.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
