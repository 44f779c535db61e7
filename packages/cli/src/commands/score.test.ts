import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNpy } from "@fieldbench/formats";
import { metricNames } from "@fieldbench/metrics";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const tmp = mkdtempSync(join(tmpdir(), "score-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (argv: string[]) => runMain(argv, tmp);

function numpy(script: string, args: string[]): Record<string, number> {
  const r = spawnSync("/usr/bin/python3", ["-c", script, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** Seeded smooth field + noise: [N?, C, H, W]. */
function field(seed: number, count: number, w: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = i % w;
    const r = Math.floor(i / w);
    out[i] = Math.sin(j * 0.01 + seed) * Math.cos(r * 0.013) + 0.2 * (s / 2 ** 32 - 0.5);
  }
  return out;
}

describe("fieldbench score", () => {
  it("two 3x2048x2048 .npy files: prints the whole metric set as JSON; mse and rfne agree with numpy", async () => {
    const n = 2048;
    const truth = field(1, 3 * n * n, n);
    const pred = field(2, 3 * n * n, n).map((v, i) => 0.5 * v + (truth[i] as number));
    await writeNpy(join(tmp, "p.npy"), pred, [3, n, n]);
    await writeNpy(join(tmp, "t.npy"), truth, [3, n, n]);
    const r = await run([
      "score",
      "--pred",
      join(tmp, "p.npy"),
      "--truth",
      join(tmp, "t.npy"),
      "--data-range",
      "4",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    // Every metric except the lat-lon ones (no latitudes for a 2048-row grid) is there with a finite value.
    const expected = metricNames().filter((m) => m !== "lat_rmse" && m !== "acc");
    expect(Object.keys(json.metrics).sort()).toEqual([...expected].sort());
    for (const name of expected) expect(typeof json.metrics[name]).toBe("number");
    expect(json.perChannel).toHaveLength(3);
    expect(json.snapshots).toBe(1);
    expect(json.maskedTruth).toEqual([0, 0, 0]);
    const ref = numpy(
      `
import json, sys, numpy as np
p = np.load(sys.argv[1]).astype("f8"); t = np.load(sys.argv[2]).astype("f8")
mse = ((p - t) ** 2).mean(axis=(1, 2))
rfne = np.sqrt(((p - t) ** 2).sum(axis=(1, 2))) / np.sqrt((t ** 2).sum(axis=(1, 2)))
print(json.dumps({"mse": float(mse.mean()), "rfne": float(rfne.mean())}))
`,
      [join(tmp, "p.npy"), join(tmp, "t.npy")],
    );
    expect(Math.abs(json.metrics.mse - (ref.mse as number)) / (ref.mse as number)).toBeLessThan(1e-9);
    expect(Math.abs(json.metrics.rfne - (ref.rfne as number)) / (ref.rfne as number)).toBeLessThan(1e-9);
  }, 180_000);

  it("[N, C, H, W] streams snapshot by snapshot and z-scores with --dataset (psnr vs numpy)", async () => {
    const shape = [3, 3, 32, 32];
    const truth = field(3, 3 * 3 * 32 * 32, 32).map((v) => v * 0.6);
    const pred = truth.map((v, i) => v + 0.05 * Math.sin(i));
    await writeNpy(join(tmp, "p4.npy"), pred, shape);
    await writeNpy(join(tmp, "t4.npy"), truth, shape);
    const r = await run([
      "score",
      "--pred",
      join(tmp, "p4.npy"),
      "--truth",
      join(tmp, "t4.npy"),
      "--dataset",
      "nskt_16k",
      "--metrics",
      "psnr,rfne",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    const ref = numpy(
      `
import json, sys, numpy as np
m = np.array([-9.48395660e-21, -7.88982956e-20, -2.07734654e-15])[None, :, None, None]
s = np.array([0.67100703, 0.67113945, 10.27907989])[None, :, None, None]
p = (np.load(sys.argv[1]).astype("f8") - m) / s; t = (np.load(sys.argv[2]).astype("f8") - m) / s
mse = ((p - t) ** 2).mean(axis=(2, 3))
psnr = 20 * np.log10(t.max(axis=(2, 3)) / np.sqrt(mse))
print(json.dumps({"psnr": float(psnr.mean())}))
`,
      [join(tmp, "p4.npy"), join(tmp, "t4.npy")],
    );
    expect(json.snapshots).toBe(3);
    expect(json.channels).toEqual(["u", "v", "w"]);
    expect(Math.abs(json.metrics.psnr - (ref.psnr as number)) / (ref.psnr as number)).toBeLessThan(1e-9);
    expect(json.ci95.psnr[0]).toBeLessThanOrEqual(json.metrics.psnr);
  });

  it("reads SuperBench-style HDF5 (file.h5:fields, and `fields` picked by default) written by h5py; rfne vs numpy", async () => {
    const make = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        `
import sys, h5py, numpy as np
rng = np.random.default_rng(5)
t = rng.standard_normal((2, 3, 32, 32)).astype("f4")
p = (t + 0.1 * rng.standard_normal(t.shape)).astype("f4")
for name, a in [("p", p), ("t", t)]:
    with h5py.File(sys.argv[1] + "/" + name + ".h5", "w") as f:
        f.create_dataset("fields", data=a, chunks=(1, 3, 32, 32), compression="gzip")
        f.create_dataset("LR_fields", data=a[:, :, ::4, ::4])
d = p.astype("f8") - t.astype("f8")
rfne = np.sqrt((d ** 2).sum(axis=(2, 3))) / np.sqrt((t.astype("f8") ** 2).sum(axis=(2, 3)))
print(float(rfne.mean()))
`,
        tmp,
      ],
      { encoding: "utf8" },
    );
    expect(make.stderr).toBe("");
    const want = Number(make.stdout);
    const r = await run([
      "score",
      "--pred",
      `${join(tmp, "p.h5")}:fields`,
      "--truth",
      join(tmp, "t.h5"),
      "--metrics",
      "rfne,mse",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.snapshots).toBe(2);
    expect(Math.abs(json.metrics.rfne - want) / want).toBeLessThan(1e-9);
  });

  it("reads Zarr v2 written by zarr-python: a root array and a group member (store:fields)", async () => {
    const make = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        `
import sys, zarr, numpy as np
t = np.arange(2 * 3 * 32 * 32, dtype="f4").reshape(2, 3, 32, 32) % 7
g = zarr.open_group(sys.argv[1] + "/truth.zarr", mode="w")
g.create_dataset("fields", data=t, chunks=(1, 3, 32, 32))
a = zarr.open(sys.argv[1] + "/pred.zarr", mode="w", shape=t.shape, chunks=(1, 3, 16, 16), dtype="f4")
a[:] = t + 0.5
`,
        tmp,
      ],
      { encoding: "utf8" },
    );
    expect(make.stderr).toBe("");
    const r = await run([
      "score",
      "--pred",
      join(tmp, "pred.zarr"),
      "--truth",
      `${join(tmp, "truth.zarr")}:fields`,
      "--metrics",
      "mse,mae,in_abs",
      "--json",
    ]);
    expect(r.code).toBe(0);
    // A constant offset of 0.5: mse 0.25, mae 0.5, in_abs 0.5 (exact in float32).
    expect(JSON.parse(r.stdout).metrics).toEqual({ mse: 0.25, mae: 0.5, in_abs: 0.5 });
  });

  it("reads NetCDF3 and NetCDF4 variables (file.nc:var, or the one 3-D variable) written by netCDF4-python", async () => {
    const make = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        `
import sys, netCDF4, numpy as np
for fmt, name, offset in [("NETCDF3_CLASSIC", "p.nc", 0.25), ("NETCDF4", "t.nc", 0.0)]:
    d = netCDF4.Dataset(sys.argv[1] + "/" + name, "w", format=fmt)
    for n, s in [("c", 2), ("y", 16), ("x", 16)]: d.createDimension(n, s)
    d.createVariable("lat", "f8", ("y",))[:] = np.linspace(-80, 80, 16)
    d.createVariable("vel", "f4", ("c", "y", "x"))[:] = np.arange(2 * 16 * 16).reshape(2, 16, 16) % 5 + offset
    d.close()
`,
        tmp,
      ],
      { encoding: "utf8" },
    );
    expect(make.stderr).toBe("");
    const r = await run([
      "score",
      "--pred",
      `${join(tmp, "p.nc")}:vel`,
      "--truth",
      join(tmp, "t.nc"),
      "--metrics",
      "mse,mae",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    // A constant offset of 0.25: mse 0.0625, mae 0.25 (exact in float32).
    expect(JSON.parse(r.stdout).metrics).toEqual({ mse: 0.0625, mae: 0.25 });
  });

  it("scores packed NetCDF4 and HDF5 as their decoded values: int16 with scale_factor 1e-4 against itself gives rfne ~0", async () => {
    // netCDF4-python writes the packed NetCDF4 file and saves what its auto mask-and-scale returns; h5py writes
    // a packed HDF5 dataset and numpy unpacks it. Scored as stored integers, rfne was 0.9999 and mse 2.5e7.
    const make = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        `
import sys, h5py, netCDF4, numpy as np
out = sys.argv[1]
rng = np.random.default_rng(3)
stored = rng.integers(-30000, 30000, size=(2, 16, 16)).astype("i2")
with netCDF4.Dataset(out + "/packed.nc", "w", format="NETCDF4") as d:
    for n, s in [("c", 2), ("y", 16), ("x", 16)]: d.createDimension(n, s)
    v = d.createVariable("t", "i2", ("c", "y", "x"), fill_value=np.int16(-32767))
    v.scale_factor = np.float32(1e-4)
    v.add_offset = np.float32(280.0)
    v.set_auto_maskandscale(False)
    v[:] = stored
with netCDF4.Dataset(out + "/packed.nc") as d:
    np.save(out + "/decoded-nc.npy", np.ma.getdata(d["t"][:]).astype("f4"))
with h5py.File(out + "/packed.h5", "w") as f:
    ds = f.create_dataset("fields", data=stored)
    ds.attrs["scale_factor"] = 1e-4
    ds.attrs["add_offset"] = -3.0
np.save(out + "/decoded-h5.npy", (stored * 1e-4 - 3.0).astype("f4"))
`,
        tmp,
      ],
      { encoding: "utf8" },
    );
    expect(make.stderr).toBe("");
    for (const [packed, decoded] of [
      ["packed.nc:t", "decoded-nc.npy"],
      ["packed.h5", "decoded-h5.npy"],
    ]) {
      const r = await run([
        "score",
        "--pred",
        join(tmp, packed as string),
        "--truth",
        join(tmp, decoded as string),
        "--metrics",
        "rfne,mse",
        "--json",
      ]);
      expect(r.stderr).toBe("");
      const { metrics } = JSON.parse(r.stdout);
      // netCDF4-python unpacks in float32 (two roundings), we in float64 (one): at most an ulp of ~283 apart.
      expect(metrics.rfne, packed).toBeLessThan(1e-7);
      expect(metrics.mse, packed).toBeLessThan(1e-9);
    }
  });

  it("exit 2 with one line for mismatched shapes, unknown metrics, unreadable files and bad channel lists", async () => {
    await writeNpy(join(tmp, "a.npy"), new Float32Array(2 * 16 * 16), [2, 16, 16]);
    await writeNpy(join(tmp, "b.npy"), new Float32Array(2 * 16 * 20), [2, 16, 20]);
    writeFileSync(join(tmp, "junk.bin"), "not a file format at all");
    const cases: [string[], RegExp][] = [
      [["--pred", join(tmp, "a.npy"), "--truth", join(tmp, "b.npy")], /shape \[2, 16, 16\].*\[2, 16, 20\]/],
      [
        ["--pred", join(tmp, "a.npy"), "--truth", join(tmp, "a.npy"), "--metrics", "mse,bogus"],
        /unknown metric bogus \(known: rfne, mse, mae, /,
      ],
      [["--pred", join(tmp, "missing.npy"), "--truth", join(tmp, "a.npy")], /missing\.npy/],
      [["--pred", join(tmp, "junk.bin"), "--truth", join(tmp, "a.npy")], /match no known format/],
      [["--pred", join(tmp, "a.npy"), "--truth", join(tmp, "a.npy"), "--channels", "u,v,w"], /3 channel names/],
      [
        ["--pred", join(tmp, "a.npy"), "--truth", join(tmp, "a.npy"), "--dataset", "mnist"],
        /unknown dataset "mnist" \(known: .*nskt_mini/,
      ],
      [["--pred", join(tmp, "a.npy"), "--truth", join(tmp, "a.npy"), "--metrics", "ms_ssim"], /data range/],
    ];
    for (const [args, message] of cases) {
      const r = await run(["score", ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("prints a table without --json, and --help teaches with examples", async () => {
    await writeNpy(
      join(tmp, "c.npy"),
      Float32Array.from({ length: 64 }, (_, i) => i),
      [1, 8, 8],
    );
    const r = await run([
      "score",
      "--pred",
      join(tmp, "c.npy"),
      "--truth",
      join(tmp, "c.npy"),
      "--metrics",
      "mse,psnr",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^metric/);
    expect(r.stdout).toMatch(/psnr\s+Infinity/);
    const j = await run([
      "score",
      "--pred",
      join(tmp, "c.npy"),
      "--truth",
      join(tmp, "c.npy"),
      "--metrics",
      "mse,psnr",
      "--json",
    ]);
    // pred = truth: mse 0, psnr +Infinity (SuperBench's eval.py), printed as null and named in nonFinite.
    expect(JSON.parse(j.stdout)).toMatchObject({ metrics: { mse: 0, psnr: null }, nonFinite: { psnr: "Infinity" } });
    const help = await run(["score", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    // The metric lines come from the descriptors: name, unit, direction, definition.
    expect(help.stdout).toMatch(/\n {2}psnr_range +dB +\^ +20 log10\(R/);
    expect(help.stdout).toMatch(/\n {2}rfne +1 +v +/);
    expect(help.stdout).toMatch(/--dataset <key>[\s\S]*nskt_mini[\s\S]*Output/);
  });

  it("--dataset nskt_mini (run's default dataset) z-scores with its constants, the nskt_16k ones (mse vs numpy)", async () => {
    const truth = field(5, 3 * 16 * 16, 16);
    const pred = truth.map((v, i) => v + 0.1 * Math.cos(i));
    await writeNpy(join(tmp, "pm.npy"), pred, [3, 16, 16]);
    await writeNpy(join(tmp, "tm.npy"), truth, [3, 16, 16]);
    const args = ["score", "--pred", join(tmp, "pm.npy"), "--truth", join(tmp, "tm.npy"), "--metrics", "mse", "--json"];
    const r = await run([...args, "--dataset", "nskt_mini"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    // docs/superbench.md's nskt_16k stds; the means (~1e-15 and smaller) do not change the differences.
    const ref = numpy(
      `
import json, sys, numpy as np
s = np.array([0.67100703, 0.67113945, 10.27907989])[:, None, None]
d = (np.load(sys.argv[1]).astype("f8") - np.load(sys.argv[2]).astype("f8")) / s
print(json.dumps({"mse": float((d ** 2).mean(axis=(1, 2)).mean())}))
`,
      [join(tmp, "pm.npy"), join(tmp, "tm.npy")],
    );
    expect(json.channels).toEqual(["u", "v", "w"]);
    expect(Math.abs(json.metrics.mse - (ref.mse as number)) / (ref.mse as number)).toBeLessThan(1e-6);
  });
});
