import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeHdf5, writeNpy } from "@fieldbench/formats";
import { parseResult } from "@fieldbench/leaderboard";
import { embeddedDataRoot } from "@fieldbench/superbench";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const tmp = mkdtempSync(join(tmpdir(), "run-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (argv: string[]) => runMain(argv, tmp);

/** A SuperBench folder for nskt_mini (3 x 256^2), with a hook to break it. */
async function folder(
  name: string,
  options: { skip?: string; variable?: string; channels?: number } = {},
): Promise<string> {
  const root = join(tmp, name);
  const c = options.channels ?? 3;
  for (const split of ["train", "valid_1", "valid_2", "test_1", "test_2"]) {
    if (split === options.skip) continue;
    mkdirSync(join(root, split), { recursive: true });
    const data = Float32Array.from({ length: c * 256 * 256 }, (_, i) => Math.sin(i * 0.001));
    await writeHdf5(join(root, split, "a.h5"), [{ name: options.variable ?? "fields", data, shape: [1, c, 256, 256] }]);
  }
  return root;
}

describe("fieldbench run superbench", () => {
  it("runs bicubic x8 on the embedded sample with no other arguments: progress on stderr, table on stdout, result file", async () => {
    const r = await run(["run", "superbench"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| test_1 \| 2 \|/);
    expect(r.stdout).toMatch(/\| test_2 \| 2 \|/);
    expect(r.stderr).toContain("superbench nskt_mini bicubic-x8 bicubic");
    const result = JSON.parse(
      readFileSync(join(tmp, "fieldbench-results", "nskt_mini.bicubic-x8.bicubic.json"), "utf8"),
    );
    expect(parseResult(result).ok).toBe(true);
  });

  it("--save-predictions writes [N, C, H, W] float32 per split that re-score to the run's RFNE", async () => {
    const r = await run([
      "run",
      "superbench",
      "--quiet",
      "--json",
      "--out",
      "saved.json",
      "--save-predictions",
      "preds",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    const truth = join(embeddedDataRoot("nskt_mini"), "test_1", "nskt_mini.h5");
    // h5py reads what was written, and computes RFNE itself: ||pred - truth|| / ||truth - mean_c|| per snapshot
    // and channel (z-scoring with the dataset's mean and std; the std cancels), averaged over snapshots.
    const mean = JSON.parse((await run(["datasets", "info", "nskt_mini", "--json"])).stdout).spec.mean as number[];
    const py = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        `import sys, json, numpy as np, h5py
f = h5py.File(sys.argv[1]); p = f['predictions']; t = h5py.File(sys.argv[2])['fields'][:].astype(np.float64)
m = np.array(json.loads(sys.argv[3]))[None, :, None, None]
d = p[:].astype(np.float64)
rfne = (np.sqrt(((d - t) ** 2).sum((2, 3))) / np.sqrt(((t - m) ** 2).sum((2, 3)))).mean(0)
print(json.dumps({"shape": p.shape, "dtype": str(p.dtype), "index": f['index'][:].tolist(), "rfne": rfne.tolist()}))`,
        join(tmp, "preds", "test_1.h5"),
        truth,
        JSON.stringify(mean),
      ],
      { encoding: "utf8" },
    );
    expect(py.stderr).toBe("");
    const saved = JSON.parse(py.stdout) as { shape: number[]; dtype: string; index: number[]; rfne: number[] };
    expect(saved).toMatchObject({ shape: [2, 3, 256, 256], dtype: "float32", index: [0, 1] });
    const runRfne = (result.splits.test_1.perChannel as { rfne: number }[]).map((c) => c.rfne);
    for (const [c, v] of saved.rfne.entries()) expect(runRfne[c]).toBeCloseTo(v, 5);
    const rescored = await run([
      "score",
      "--pred",
      `${join(tmp, "preds", "test_1.h5")}:predictions`,
      "--truth",
      `${truth}:fields`,
      "--dataset",
      "nskt_16k",
      "--metrics",
      "rfne",
      "--json",
    ]);
    expect(rescored.code).toBe(0);
    const scored = JSON.parse(rescored.stdout) as { perChannel: { rfne: number }[] };
    for (const [c, row] of scored.perChannel.entries()) expect(row.rfne).toBeCloseTo(runRfne[c]!, 6);
    expect(existsSync(join(tmp, "preds", "test_2.h5"))).toBe(true);
  });

  it("exits 2 with one line for bad input: missing split, no fields, wrong channel count, unknown task or model", async () => {
    const cases: [string[], RegExp][] = [
      [["--data", await folder("nosplit", { skip: "test_2" })], /missing split folder test_2\//],
      [["--data", await folder("nofields", { variable: "data" })], /no `fields` dataset/],
      [["--data", await folder("twoch", { channels: 2 })], /2 channels, nskt_mini has 3/],
      [["--task", "bicubic-x3"], /unknown task "bicubic-x3"/],
      [["--model", "srgan"], /unknown model "srgan"/],
      [["--dataset", "nope"], /unknown dataset "nope"/],
      [["--shard", "3/2"], /--shard must be i\/n/],
    ];
    for (const [args, message] of cases) {
      const r = await run(["run", "superbench", "--quiet", "--out", join(tmp, "bad.json"), ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

describe("fieldbench degrade", () => {
  it("uniform on .npy and on HDF5, checked by hand and by h5py", async () => {
    // [1, 4, 6] ramp 0..23; every 2nd pixel from 0: rows 0, 2 and columns 0, 2, 4 -> 0 2 4 12 14 16.
    const input = join(tmp, "hr.npy");
    await writeNpy(
      input,
      Float32Array.from({ length: 24 }, (_, i) => i),
      [1, 4, 6],
    );
    const r = await run([
      "degrade",
      "--in",
      input,
      "--scale",
      "2",
      "--method",
      "uniform",
      "--out",
      join(tmp, "lr.npy"),
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outputShape).toEqual([1, 2, 3]);
    const h5in = join(tmp, "hr.h5");
    await writeHdf5(h5in, [
      { name: "fields", data: Float32Array.from({ length: 2 * 24 }, (_, i) => i), shape: [2, 1, 4, 6] },
    ]);
    const h = await run([
      "degrade",
      "--in",
      `${h5in}:fields`,
      "--scale",
      "2",
      "--method",
      "uniform",
      "--out",
      join(tmp, "lr.h5"),
    ]);
    expect(h.code).toBe(0);
    const check = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        "import sys, json, numpy as np, h5py; print(json.dumps([np.load(sys.argv[1]).ravel().tolist(), h5py.File(sys.argv[2])['LR_fields'][:].ravel().tolist()]))",
        join(tmp, "lr.npy"),
        join(tmp, "lr.h5"),
      ],
      { encoding: "utf8" },
    );
    const [npy, h5] = JSON.parse(check.stdout) as number[][];
    expect(npy).toEqual([0, 2, 4, 12, 14, 16]);
    expect(h5).toEqual([0, 2, 4, 12, 14, 16, 24, 26, 28, 36, 38, 40]);
  });

  it("creates a missing output folder and writes .npy there (numpy reads it)", async () => {
    const input = join(tmp, "hr-6x6.npy");
    await writeNpy(
      input,
      Float32Array.from({ length: 36 }, (_, i) => i),
      [1, 6, 6],
    );
    const out = join(tmp, "new", "deeper", "lr.npy");
    const r = await run(["degrade", "--in", input, "--scale", "3", "--method", "uniform", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // every 3rd pixel of the 6x6 ramp: rows 0, 3 and columns 0, 3 -> 0 3 18 21
    const check = spawnSync(
      "/usr/bin/python3",
      ["-c", "import sys,numpy as np; print(np.load(sys.argv[1]).ravel().tolist())", out],
      {
        encoding: "utf8",
      },
    );
    expect(check.stdout.trim()).toBe("[0.0, 3.0, 18.0, 21.0]");
  });

  it("exits 2 when the output folder cannot be created, naming it", async () => {
    const input = join(tmp, "hr-6x6.npy");
    await writeNpy(
      input,
      Float32Array.from({ length: 36 }, (_, i) => i),
      [1, 6, 6],
    );
    // a regular file stands where the folder should be
    const r = await run([
      "degrade",
      "--in",
      input,
      "--scale",
      "3",
      "--method",
      "uniform",
      "--out",
      join(input, "lr.npy"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot create folder ${input}`);
    expect(r.stderr).not.toContain("internal error");
  });

  it("refuses an unknown output extension with exit 2 and writes nothing", async () => {
    const input = join(tmp, "hr-6x6.npy");
    await writeNpy(
      input,
      Float32Array.from({ length: 36 }, (_, i) => i),
      [1, 6, 6],
    );
    const r = await run(["degrade", "--in", input, "--scale", "3", "--method", "uniform", "--out", join(tmp, "x.txt")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown extension "\.txt" \(use \.npy, \.h5/);
    expect(existsSync(join(tmp, "x.txt"))).toBe(false);
  });

  it("refuses a scale that does not divide the field, saying the shapes", async () => {
    const input = join(tmp, "hr-128.npy");
    await writeNpy(input, new Float32Array(128 * 128), [1, 128, 128]);
    const r = await run(["degrade", "--in", input, "--scale", "3", "--out", join(tmp, "lr-128.npy")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a 128x128 field is not a multiple of --scale 3 (128/3 = 42.67");
    expect(existsSync(join(tmp, "lr-128.npy"))).toBe(false);
  });

  it("exits 2 for an unknown method or noisy-uniform without its dataset", async () => {
    const input = join(tmp, "hr.npy");
    expect(
      (await run(["degrade", "--in", input, "--scale", "2", "--method", "lanczos", "--out", join(tmp, "x.npy")])).code,
    ).toBe(2);
    expect(
      (await run(["degrade", "--in", input, "--scale", "2", "--method", "noisy-uniform", "--out", join(tmp, "x.npy")]))
        .code,
    ).toBe(2);
  });
});
