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
