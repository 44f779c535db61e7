import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ReleaseCard, generateHeldOut, generateRelease, mergeRelease } from "./release-generate.js";
import type { GenerationProgress } from "./trajectory.js";

const root = mkdtempSync(join(tmpdir(), "nskt-release-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A 32^2 preview of nskt16k-fb-v1: 2 train, 1 valid, 1 test trajectory; 10 window + 10 later snapshots.
const SMALL = { size: 32, lrFactor: 2, k0: 4, tStart: 0.05, interval: 0.02 };
const COUNTS = { train: 2, valid: 1, test: 1 };
const base = { release: "nskt16k-fb-v1", size: COUNTS, overrides: SMALL } as const;

/** What h5py and numpy see in the folder: per file the seed, split, times, value sha256s; train moments. */
function readWithH5py(dir: string) {
  const script = `
import h5py, json, sys, glob, hashlib, os, numpy as np
root = sys.argv[1]; files = []; train = []
for path in sorted(glob.glob(root + "/*/*.h5")):
    with h5py.File(path, "r") as f:
        hr = f["fields"][...]
        rel = os.path.relpath(path, root)
        files.append({"path": rel, "split": rel.split("/")[0], "seed": int(f.attrs["seed"]), "t": f["time"][...].tolist(),
                      "sha": [hashlib.sha256(hr[i].astype("<f4").tobytes()).hexdigest() for i in range(hr.shape[0])]})
        if rel.startswith("train/"): train.append(hr.astype(np.float64))
x = np.concatenate(train)
print(json.dumps({"files": files, "mean": x.mean(axis=(0, 2, 3)).tolist(), "std": x.std(axis=(0, 2, 3)).tolist()}))
`;
  const r = spawnSync("/usr/bin/python3", ["-c", script, dir], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as {
    files: { path: string; split: string; seed: number; t: number[]; sha: string[] }[];
    mean: number[];
    std: number[];
  };
}

// The unsharded run's card: the other tests compare against it.
let whole: ReleaseCard;

describe("generateRelease", () => {
  it("writes splits whose trajectories never cross the train/test line, with h5py-checked value checksums and constants", async () => {
    const out = join(root, "whole");
    const events: GenerationProgress[] = [];
    const result = await generateRelease({ ...base, out, onProgress: (e) => events.push(e) });
    expect(result.card).toBeDefined();
    whole = result.card!;
    const seen = readWithH5py(out);
    const seeds = (split: string) => new Set(seen.files.filter((f) => f.split === split).map((f) => f.seed));
    const train = seeds("train");
    expect([...train].sort()).toEqual([1000, 1001]);
    for (const split of ["valid_1", "valid_2", "test_1", "test_2"])
      for (const s of seeds(split)) expect(train.has(s)).toBe(false);
    expect([...seeds("test_1")]).toEqual([3000]);
    // Times (as stored): window 0.05 + 0.02 k for k < 10; test_1 inside it, test_2 after every train time.
    const times = (split: string) => seen.files.filter((f) => f.split === split).flatMap((f) => f.t);
    const lastTrain = Math.max(...times("train"));
    expect(lastTrain).toBeCloseTo(0.23, 12);
    expect(Math.max(...times("test_1"))).toBeLessThanOrEqual(lastTrain);
    expect(Math.min(...times("test_2"))).toBeGreaterThan(lastTrain);
    // Value checksums: numpy's sha256 of each stored snapshot's little-endian float32 bytes.
    for (const f of seen.files) expect(whole.files.find((c) => c.path === f.path)?.valueSha256).toEqual(f.sha);
    // z-score constants from the train split, against numpy over the same values.
    whole.dataset.std.forEach((s, c) => expect(s).toBeCloseTo(seen.std[c]!, 6));
    whole.dataset.mean.forEach((m, c) => expect(m).toBeCloseTo(seen.mean[c]!, 6));
    expect(whole.dataset.splitSizes).toEqual({ train: 20, valid: 20, test: 20 });
    expect(whole.dataset.hr).toEqual([32, 32]);
    expect(whole.official).toBe(false);
    expect(whole.downloadUrl).toBeNull();
    // Progress from the very first step, in the spin-up phase, with its own ETA.
    expect(events[0]).toMatchObject({ seed: 1000, ordinal: 1, phase: "spin-up", phaseEnd: 0.05 });
    expect(events[0]!.phaseEtaSeconds).toBeGreaterThanOrEqual(0);
    expect(events.some((e) => e.phase === "sampling")).toBe(true);
  });

  it("shards by trajectory and merges the shards' manifests into the same card", async () => {
    const out = join(root, "sharded");
    const first = await generateRelease({ ...base, out, shard: { index: 0, count: 2 } });
    expect(first.card).toBeUndefined(); // half the trajectories are missing
    expect(first.manifest.trajectories.map((t) => t.seed)).toEqual([1000, 2000]);
    expect(existsSync(join(out, "card.json"))).toBe(false);
    await expect(mergeRelease({ ...base, out })).rejects.toThrow(/2 of 4 trajectories are in no shard manifest/);
    const second = await generateRelease({ ...base, out, shard: { index: 1, count: 2 } });
    const card = second.card!;
    expect(card.shards).toBe(2);
    // Same command on the same machine: bit-identical values, so the same value checksums and constants.
    expect(card.dataset.testValueSha256).toBe(whole.dataset.testValueSha256);
    expect(card.files.map((f) => f.valueSha256)).toEqual(whole.files.map((f) => f.valueSha256));
    expect(card.dataset.std).toEqual(whole.dataset.std);
    expect(card.statistics).toEqual(whole.statistics);
  });

  it("steps trajectories in batches (createBatchSolver) with the values of single-trajectory runs", async () => {
    // Batches of 2 pair the 2 train trajectories; valid and test each make a batch of one.
    const batched = await generateRelease({ ...base, out: join(root, "batched"), batch: 2 });
    expect(batched.card!.files.map((f) => f.valueSha256)).toEqual(whole.files.map((f) => f.valueSha256));
    expect(batched.card!.statistics).toEqual(whole.statistics);
    await expect(generateRelease({ ...base, out: join(root, "nobatch"), batch: 0 })).rejects.toThrow(
      /batch must be a positive integer, got 0/,
    );
  });

  it("stops when interrupted, keeps finished trajectories and resumes them with the same command", async () => {
    const out = join(root, "resumed");
    const abort = new AbortController();
    await expect(
      generateRelease({
        ...base,
        out,
        signal: abort.signal,
        onProgress: (e) => {
          if (e.ordinal === 2) abort.abort();
        },
      }),
    ).rejects.toThrow(/interrupted at trajectory seed 1001; 1 of this shard's 4 .*run the same command to resume/);
    expect(readdirSync(out).filter((n) => n.startsWith(".partial"))).toEqual([]);
    expect(readdirSync(join(out, "train"))).toEqual(["nskt16k-fb-v1_seed1000.h5"]);
    const again = await generateRelease({ ...base, out });
    expect([again.resumed, again.generated]).toEqual([1, 3]);
    expect(again.card!.dataset.testValueSha256).toBe(whole.dataset.testValueSha256);
    expect(again.card!.dataset.mean).toEqual(whole.dataset.mean);
  });

  it("refuses to mix trajectories of other parameters into one folder", async () => {
    const out = join(root, "sharded");
    await expect(generateRelease({ ...base, out, overrides: { ...SMALL, k0: 5 } })).rejects.toThrow(
      /holds trajectory 1000 of other parameters/,
    );
  });
});

describe("generateHeldOut", () => {
  it("makes fresh test trajectories from a seed, reproducibly, without the seed in names or card", async () => {
    const a = await generateHeldOut({
      release: "nskt16k-fb-v1",
      seed: 987654,
      out: join(root, "h1"),
      overrides: SMALL,
    });
    const b = await generateHeldOut({
      release: "nskt16k-fb-v1",
      seed: 987654,
      out: join(root, "h2"),
      overrides: SMALL,
    });
    expect(a.dataset.testValueSha256).toBe(b.dataset.testValueSha256);
    expect(a.files.map((f) => f.path)).toEqual([
      "test_1/nskt16k-fb-v1-heldout_000.h5",
      "test_2/nskt16k-fb-v1-heldout_000.h5",
    ]);
    expect(readFileSync(join(root, "h1", "card.json"), "utf8")).not.toContain("987654");
    // A held-out flow is not one of the release's test flows.
    const released = new Set(whole.files.flatMap((f) => f.valueSha256));
    for (const sha of a.files.flatMap((f) => f.valueSha256)) expect(released.has(sha)).toBe(false);
    await expect(
      generateHeldOut({
        release: "nskt16k-fb-v1",
        seed: 999,
        trajectories: 2,
        out: join(root, "h3"),
        overrides: SMALL,
      }),
    ).rejects.toThrow(/seed 1000 is one of the release's own trajectories/);
  });
});
