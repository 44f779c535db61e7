import { describe, expect, it } from "vitest";
import { RESULT_SCHEMA_ID, parseResult } from "./schema.js";

const split = {
  snapshots: 2,
  metrics: { rfne: 0.12, psnr: 33.1, ssim: null },
  perChannel: [{ rfne: 0.1 }, { rfne: 0.14 }],
  ci95: { rfne: [0.1, 0.14] },
};
const valid = {
  schema: RESULT_SCHEMA_ID,
  suite: { name: "superbench", specVersion: "1.0.0" },
  mode: "compat",
  dataset: { key: "nskt_16k", version: "v2", checksum: "a".repeat(64), channels: ["u", "v", "w"] },
  task: { name: "bicubic-x8", degradation: "bicubic-aa", scale: 8 },
  model: { name: "bicubic", version: "1", integrity: "sha256-abc", parameters: 0 },
  splits: { test_1: split, test_2: split },
  hardware: { platform: "linux", arch: "x64", cpu: "x", cores: 2, memoryBytes: 1e9 },
  harness: { name: "fieldbench", version: "0.1.0", node: "v20.19.0" },
  wallTimeSeconds: 3.2,
  date: "2026-11-28T21:30:00.000Z",
};

describe("result schema", () => {
  it("accepts a complete result (null for an undefined metric)", () => {
    expect(parseResult(valid)).toMatchObject({ ok: true });
  });

  it("names the path of each problem", () => {
    const bad = { ...valid, splits: { test_1: split }, model: { ...valid.model, parameters: -1 } };
    const parsed = parseResult(bad);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toContain("splits.test_2");
      expect(parsed.error).toContain("model.parameters");
    }
    expect(parseResult({ ...valid, dataset: { ...valid.dataset, checksum: "xyz" } }).ok).toBe(false);
    expect(parseResult({ ...valid, date: "yesterday" }).ok).toBe(false);
  });
});
