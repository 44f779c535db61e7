import { RESULT_SCHEMA_ID, type SuperbenchResult } from "@fieldbench/leaderboard";
import { describe, expect, it } from "vitest";
import { formatResultTable } from "./table.js";

const split = (rfne: number) => ({
  snapshots: 365,
  metrics: { rfne, in_abs: 2.5, in_rel: 0.64, psnr: 26.5, ssim: 0.83, mse: 0.03, mae: 0.1 },
  perChannel: [{ rfne }, { rfne }, { rfne }],
  ci95: {},
});
const result: SuperbenchResult = {
  schema: RESULT_SCHEMA_ID,
  suite: { name: "superbench", specVersion: "1.0.0" },
  mode: "compat",
  dataset: { key: "era5", version: "v2", checksum: "0".repeat(64), channels: ["ke_10m", "t2m", "tcwv"] },
  task: { name: "bicubic-x8", degradation: "bicubic", scale: 8 },
  model: { name: "bicubic-superbench", version: "1", integrity: "sha256-x", parameters: 0 },
  splits: { test_1: split(0.1771), test_2: split(0.1765) },
  hardware: { platform: "linux", arch: "x64", cpu: "x", cores: 1, memoryBytes: 1 },
  harness: { name: "fieldbench", version: "0.1.0", node: "v20" },
  wallTimeSeconds: 1,
  date: "2026-11-28T22:00:00.000Z",
};

describe("summary table", () => {
  it("prints SuperBench's published Bicubic row under a compat run of bicubic-superbench", () => {
    const table = formatResultTable(result);
    expect(table).toMatch(/\|\s+test_1 \| 365 \| 0\.1771 \|/);
    // docs/superbench.md anchors: ERA5 x8 bicubic RFNE 0.1774 / 0.1767, PSNR 26.48 / 26.52, SSIM 0.8322 / 0.8326 (IN relative).
    // Columns in the leaderboard's display order: rfne mse mae in_abs in_rel psnr ssim (the paper has no mse, mae, IN_abs).
    expect(table).toMatch(/test_1 \(paper\) \|\s+\| 0\.1774 \|\s+- \|\s+- \|\s+- \| 0\.6398 \| 26\.48 \| 0\.8322 \|/);
    expect(table).toMatch(/test_2 \(paper\) \|\s+\| 0\.1767 \|/);
    expect(formatResultTable({ ...result, model: { ...result.model, name: "bicubic" } })).not.toContain("(paper)");
  });
});
