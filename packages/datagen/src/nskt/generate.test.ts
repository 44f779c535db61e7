import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateNskt } from "./generate.js";

const root = mkdtempSync(join(tmpdir(), "nskt-gen-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("generateNskt", () => {
  it("writes the SuperBench layout with LR-sim pairs, read back with h5py", async () => {
    const out = join(root, "nskt");
    const card = await generateNskt({
      out,
      re: 16000,
      size: 128,
      snapshots: 10,
      seed: 5,
      k0: 2,
      tStart: 0.1,
      interval: 0.05,
    });
    expect(card.files.map((f) => f.split)).toEqual(["train", "valid_1", "valid_2", "test_1", "test_2"]);
    for (const f of card.files) {
      const digest = createHash("sha256")
        .update(readFileSync(join(out, f.path)))
        .digest("hex");
      expect(digest).toBe(f.sha256);
    }
    expect(existsSync(join(out, "card.json"))).toBe(true);
    expect(existsSync(join(out, "CARD.md"))).toBe(true);
    const script = `
import h5py, json, sys, glob, numpy as np
root = sys.argv[1]; res = {}
for split in ["train", "valid_1", "valid_2", "test_1", "test_2"]:
    [path] = glob.glob(root + "/" + split + "/*.h5")
    with h5py.File(path, "r") as f:
        hr = f["fields"][...]; lr = f["LR_fields"][...]; t = f["time"][...]
        n = hr.shape[-1]
        k = np.fft.fftfreq(n, 1.0 / n); kx = k[:, None]; ky = k[None, :]
        u = hr[:, 0].astype(np.float64); v = hr[:, 1].astype(np.float64); w = hr[:, 2].astype(np.float64)
        U = np.fft.fft2(u); V = np.fft.fft2(v)
        div = np.real(np.fft.ifft2(1j * kx * U + 1j * ky * V))
        curl = np.real(np.fft.ifft2(1j * kx * V - 1j * ky * U))
        res[split] = {"shape": list(hr.shape), "lr": list(lr.shape), "dtype": str(hr.dtype), "t": t.tolist(),
          "div": float(np.abs(div).max() / np.abs(u).max()), "curl": float(np.abs(curl - w).max() / np.abs(w).max()),
          "lr_vs_hr_u": float(np.linalg.norm(lr[:, 0] - hr[:, 0, ::4, ::4]) / np.linalg.norm(hr[:, 0, ::4, ::4]))}
print(json.dumps(res))
`;
    const r = spawnSync("/usr/bin/python3", ["-c", script, out], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const res = JSON.parse(r.stdout) as Record<
      string,
      { shape: number[]; lr: number[]; dtype: string; t: number[]; div: number; curl: number; lr_vs_hr_u: number }
    >;
    expect(res.train.shape).toEqual([6, 3, 128, 128]);
    expect(res.train.lr).toEqual([6, 3, 32, 32]);
    expect(res.valid_1.shape[0] + res.test_1.shape[0] + res.valid_2.shape[0] + res.test_2.shape[0]).toBe(4);
    expect(res.train.dtype).toBe("float32");
    // Times: snapshot k at 0.1 + 0.05 k; valid_2 (k = 8) and test_2 (k = 9) come after all of train.
    expect(res.valid_2.t[0]).toBeCloseTo(0.5, 12);
    expect(res.test_2.t[0]).toBeCloseTo(0.55, 12);
    expect(Math.max(...res.train.t)).toBeLessThan(res.valid_2.t[0]);
    for (const s of Object.values(res)) {
      expect(s.div).toBeLessThan(1e-5); // float32 storage round-off
      expect(s.curl).toBeLessThan(1e-5); // w = dv/dx - du/dy with x along rows
      // Same initial condition on the 4x coarser grid: the LR run tracks the HR field at early times.
      expect(s.lr_vs_hr_u).toBeLessThan(0.1);
    }
  });

  it("refuses too few snapshots before writing anything", async () => {
    const out = join(root, "few");
    await expect(generateNskt({ out, re: 16000, size: 64, snapshots: 4, seed: 1 })).rejects.toThrow(/too few/);
    expect(existsSync(out)).toBe(false);
  });
});
