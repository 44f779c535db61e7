import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeHdf5, writeNpy } from "@fieldbench/formats";
import { parseResult } from "@fieldbench/leaderboard";
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
