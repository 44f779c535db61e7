import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ReleaseCard, generateRelease } from "@fieldbench/datagen";
import { parseResult } from "@fieldbench/leaderboard";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STATISTICS_TOLERANCES, verifyDataset } from "./dataset-tools.js";
import { runSuperbench } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-card-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A 64^2 preview of nskt16k-fb-v1 (not the registered release: its card carries its own size and constants).
const data = join(dir, "gen64");
let card: ReleaseCard;
beforeAll(async () => {
  const made = await generateRelease({
    release: "nskt16k-fb-v1",
    out: data,
    size: { train: 2, valid: 1, test: 1 },
    overrides: { size: 64, lrFactor: 4, k0: 4, tStart: 0.05, interval: 0.02 },
  });
  card = made.card!;
}, 60_000);

/** A copy of the set with h5py applying `edit` (Python, `f` is each open file of the listed splits). */
function editedCopy(name: string, splits: string, edit: string): string {
  const copy = join(dir, name);
  cpSync(data, copy, { recursive: true });
  const script = `
import h5py, glob, sys, numpy as np
for split in sys.argv[2].split(","):
    for path in sorted(glob.glob(sys.argv[1] + "/" + split + "/*.h5")):
        with h5py.File(path, "r+") as f:
${edit}
`;
  const r = spawnSync("/usr/bin/python3", ["-c", script, copy, splits], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return copy;
}

describe("run superbench --data on a generated set of any size", () => {
  it("scores a 64^2 set from its card, unregistered, and records the card's value checksum", async () => {
    const outcome = await runSuperbench({ data, out: join(dir, "r.json"), progressMode: "quiet" });
    const r = outcome.result;
    expect(parseResult(r).ok).toBe(true);
    expect(r.dataset.key).toBe(card.name);
    expect(r.dataset.key).toMatch(/^nskt16k-fb-v1-custom-/);
    expect(r.dataset.valueChecksum).toBe(card.dataset.testValueSha256);
    // One test trajectory: 10 window snapshots in test_1, 10 later ones in test_2.
    expect([r.splits.test_1.snapshots, r.splits.test_2.snapshots]).toEqual([10, 10]);
    const rfne = r.splits.test_1.perChannel[2]?.["rfne"]; // w
    expect(rfne).toBeGreaterThan(0);
    expect(rfne).toBeLessThan(1.5);
  });

  it("refuses a snapshot whose values differ from the card (one flipped bit), naming it", async () => {
    const flipped = editedCopy(
      "flipped-run",
      "test_1",
      '            x = f["fields"][3]; b = x.view(np.uint32); b[2, 5, 7] ^= 1; f["fields"][3] = x',
    );
    await expect(runSuperbench({ data: flipped, out: join(dir, "f.json"), progressMode: "quiet" })).rejects.toThrow(
      /test_1 snapshot 3: values differ from the card/,
    );
  });
});

describe("verifyDataset on a generated set", () => {
  it("checks every snapshot's values against the card: intact passes, one flipped bit is caught", async () => {
    const intact = await verifyDataset(undefined, data);
    expect(intact.ok).toBe(true);
    expect(intact.values).toEqual({ checked: 60, differ: 0, examples: [] });
    expect(intact.summary).toMatch(/all 60 snapshots have the card's values/);

    const flipped = editedCopy(
      "flipped",
      "valid_2",
      '            x = f["fields"][4]; b = x.view(np.uint32); b[0, 0, 0] ^= 1 << 22; f["fields"][4] = x',
    );
    const report = await verifyDataset(undefined, flipped);
    expect(report.ok).toBe(false);
    expect(report.values).toEqual({ checked: 60, differ: 1, examples: ["valid_2 snapshot 4"] });
    expect(report.problems.join("\n")).toMatch(/values of 1 of 60 snapshots differ from the card/);
  });

  it("--statistics: says plainly that values differ, passes when moments and spectra agree, fails when not", async () => {
    // Perturb every value by 0.1% noise: not the same bits, the same statistics.
    const noisy = editedCopy(
      "noisy",
      "train,valid_1,valid_2,test_1,test_2",
      '            x = f["fields"][...]; rng = np.random.default_rng(0)\n' +
        '            f["fields"][...] = x * (1 + 1e-3 * rng.standard_normal(x.shape)).astype(np.float32)',
    );
    const close = await verifyDataset(undefined, noisy, { statistics: true });
    expect(close.values?.differ).toBe(60);
    expect(close.summary).toMatch(/values differ from the card's in 60 of 60 snapshots: this is not the same data/);
    expect(close.summary).toMatch(/statistics agree within the stated tolerances/);
    expect(close.ok).toBe(true);
    for (const s of close.statistics ?? []) {
      expect(s.stdRelative).toBeLessThan(1e-3);
      expect(s.spectrumLog10Rms).toBeLessThan(1e-3);
    }
    // Intact data: datagen's spectrum (from the solver's vorticity DFT, float64) against metrics' (from the
    // stored float32 u, v): two computations of one quantity, equal to float32 round-off.
    const same = await verifyDataset(undefined, data, { statistics: true });
    for (const s of same.statistics ?? []) expect(s.spectrumLog10Rms).toBeLessThan(1e-5);
    expect(same.statistics?.map((s) => s.split)).toEqual(["train", "valid_1", "valid_2", "test_1", "test_2"]);

    // Velocities 1.5 x: the std and the spectrum (2.25 x, 0.35 in log10) are far outside tolerance.
    const scaled = editedCopy(
      "scaled",
      "test_2",
      '            f["fields"][:, 0:2] = f["fields"][:, 0:2] * np.float32(1.5)',
    );
    const far = await verifyDataset(undefined, scaled, { statistics: true });
    expect(far.ok).toBe(false);
    const t2 = far.statistics?.find((s) => s.split === "test_2");
    expect(t2?.stdRelative).toBeCloseTo(0.5, 6);
    expect(t2?.spectrumLog10Rms).toBeCloseTo(Math.log10(2.25), 5);
    expect(t2?.stdRelative).toBeGreaterThan(STATISTICS_TOLERANCES.stdRelative);
    expect(far.problems.join("\n")).toMatch(/test_2: statistics outside tolerance/);
  });

  it("refuses a folder without a card when no key is given", async () => {
    await expect(verifyDataset(undefined, join(dir, "nothing"))).rejects.toThrow(/no card.json with a dataset block/);
  });
});
