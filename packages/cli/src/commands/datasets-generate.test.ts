import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withoutVulkanDrivers } from "../no-gpu.js";
import { runMain } from "../testing.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-cli-generate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fieldbench datasets generate nskt", () => {
  it("writes the five splits and a card whose sha256 match the files", async () => {
    const args = ["datasets", "generate", "nskt", "--re", "16000", "--size", "64", "--snapshots", "10", "--seed", "3"];
    const r = await runMain(
      [...args, "--k0", "4", "--t-start", "0.05", "--interval", "0.02", "--out", "nskt", "--json", "--quiet"],
      dir,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    type Card = {
      files: { path: string; sha256: string; dataSha256: Record<string, string> }[];
      parameters: { seed: number };
    };
    const card = JSON.parse(r.stdout) as Card;
    expect(card.parameters.seed).toBe(3);
    expect(readdirSync(join(dir, "nskt")).sort()).toEqual([
      "CARD.md",
      "card.json",
      "test_1",
      "test_2",
      "train",
      "valid_1",
      "valid_2",
    ]);
    for (const f of card.files) {
      expect(
        createHash("sha256")
          .update(readFileSync(join(dir, "nskt", f.path)))
          .digest("hex"),
      ).toBe(f.sha256);
    }
  });

  it.each([
    [["--re", "16000", "--size", "100"], /power of two/],
    [["--re", "0"], /Re must be > 0/],
    [["--re", "-5"], /Re must be > 0/],
    [["--re", "16000", "--snapshots", "5"], /too few/],
    [["--re", "abc"], /--re needs a number/],
    [["--size", "64"], /needs --re/],
    [["--re", "16000", "--backend", "cuda"], /unknown backend/],
    [["--re", "16000", "--forcing", "4,0.1"], /--forcing needs k,amplitude,drag/],
    [["--re", "16000", "--forcing", "40,0.1,0.1"], /forcing needs 1 <= k < n\/3/],
  ])("exits 2 with one line for bad parameters %j", async (extra, message) => {
    const r = await runMain(["datasets", "generate", "nskt", "--size", "64", ...extra, "--out", "bad", "--quiet"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, "bad"))).toBe(false);
  });

  it("--backend webgpu without a GPU adapter exits 2 naming the CPU backend", async () => {
    const r = await withoutVulkanDrivers(() =>
      runMain(
        [
          "datasets",
          "generate",
          "nskt",
          "--re",
          "16000",
          "--size",
          "64",
          "--snapshots",
          "10",
          "--backend",
          "webgpu",
          "--out",
          "gpu",
          "--quiet",
        ],
        dir,
      ),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fieldbench: webgpu backend unavailable.*use --backend cpu\n$/);
    expect(existsSync(join(dir, "gpu"))).toBe(false);
  });

  it("refuses an unknown generator", async () => {
    const r = await runMain(["datasets", "generate", "cosmo", "--re", "1"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown generator cosmo/);
  });
});

describe("fieldbench datasets generate nskt --release", () => {
  // A 32^2 preview of the release with one trajectory per group (the flags override the release's values).
  const preview = ["--size", "32", "--lr-factor", "2", "--k0", "4", "--t-start", "0.05", "--interval", "0.02"];
  const release = ["datasets", "generate", "nskt", "--release", "nskt16k-fb-v1", "--trajectories", "1,1,1"];

  it("generates two shards into one folder, merges them into the card, and the set scores and verifies", async () => {
    const first = await runMain([...release, ...preview, "--shard", "0/2", "--out", "rel", "--json"], dir);
    expect(first.code).toBe(0);
    // Progress from the very first step: the spin-up, with its own ETA.
    expect(first.stderr.split("\n")[0]).toMatch(
      /^nskt16k-fb-v1 shard 0\/2: trajectory 1\/2 seed 1000 spin-up t [\d.]+\/0\.0500 \(spin-up eta [\dhms]+, run eta [\dhms]+\)$/,
    );
    expect(JSON.parse(first.stdout).trajectories.map((t: { seed: number }) => t.seed)).toEqual([1000, 3000]);
    expect(existsSync(join(dir, "rel", "card.json"))).toBe(false);
    const second = await runMain([...release, ...preview, "--shard", "1/2", "--out", "rel", "--json", "--quiet"], dir);
    expect(second.code).toBe(0);
    const card = JSON.parse(second.stdout) as { dataset: { testValueSha256: string }; shards: number };
    expect(card.shards).toBe(2);
    const merged = await runMain([...release, ...preview, "--merge", "--out", "rel", "--json"], dir);
    expect(JSON.parse(merged.stdout).dataset.testValueSha256).toBe(card.dataset.testValueSha256);

    const verify = await runMain(["datasets", "verify", "--data", "rel"], dir);
    expect(verify.stdout).toMatch(/all 50 snapshots have the card's values/);
    expect(verify.code).toBe(0);
    const scored = await runMain(["run", "superbench", "--data", "rel", "--out", "rel.json", "--json", "--quiet"], dir);
    expect(scored.stderr).toBe("");
    expect(scored.code).toBe(0);
    expect(JSON.parse(scored.stdout).dataset.valueChecksum).toBe(card.dataset.testValueSha256);
  });

  it.each([
    [["--re", "16000"], /--re does not apply to --release/],
    [["--release-size", "huge"], /--release-size must be one of default, superbench/],
    [["--shard", "2/2"], /--shard must be i\/n/],
    [["--trajectories", "1,0,1"], /valid trajectories must be 1..999, got 0/],
    [["--size", "100"], /power of two/],
  ])("exits 2 with one line and writes nothing for %j", async (extra, message) => {
    const r = await runMain([...release, ...preview, ...extra, "--out", "badrel", "--quiet"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, "badrel"))).toBe(false);
  });
});
