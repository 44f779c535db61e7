import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkResult, parseKnownDatasets } from "./check.js";

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/nskt_mini.bicubic-x8.${name}.json`, import.meta.url), "utf8"));
const registryPath = new URL("../../../leaderboards/known-datasets.json", import.meta.url);
const knownDatasets = parseKnownDatasets(readFileSync(registryPath, "utf8"), "known-datasets.json");
const context = { specVersion: "1.0.0", knownDatasets };

function reason(value: unknown): string {
  try {
    checkResult(value, context, "r.json");
  } catch (err) {
    expect(err).toMatchObject({ code: "SCHEMA_INVALID" });
    const message = (err as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("accepted");
}

describe("checkResult", () => {
  it("accepts a real result of the embedded dataset", () => {
    expect(checkResult(fixture("bicubic"), context).model.name).toBe("bicubic");
  });

  it("refuses a wrong schema id and a missing field, naming the path", () => {
    expect(reason({ ...fixture("bicubic"), schema: "fieldbench/superbench-result/0" })).toMatch(/^r\.json: .*schema/);
    const { model: _m, ...noModel } = fixture("bicubic");
    expect(reason(noModel)).toMatch(/model/);
  });

  it("refuses non-numbers where a metric value is required (a string, NaN written as a string)", () => {
    const r = fixture("bicubic");
    r.splits.test_1.metrics.mse = "NaN";
    expect(reason(r)).toMatch(/splits\.test_1\.metrics\.mse/);
  });

  it("refuses null for a metric that is always defined, but allows it for compat psnr", () => {
    const r = fixture("bicubic");
    r.splits.test_2.metrics.ssim = null;
    expect(reason(r)).toBe("r.json: splits.test_2.metrics.ssim is null (must be a finite number)");
    const ok = fixture("bicubic");
    ok.splits.test_1.metrics.psnr = null;
    ok.splits.test_1.ci95.psnr = [null, null];
    expect(checkResult(ok, context).splits.test_1.metrics.psnr).toBeNull();
  });

  it("refuses an unknown dataset checksum and an unknown dataset version", () => {
    const r = fixture("bicubic");
    r.dataset.checksum = "ab".repeat(32);
    expect(reason(r)).toMatch(/checksum abababababababab\.\.\. is unknown \(expected bc062cd5c421dc4f/);
    const v = fixture("bicubic");
    v.dataset.version = "2";
    expect(reason(v)).toMatch(/nskt_mini version 2 is not in the known-datasets registry/);
  });

  it("refuses a stale spec version, a shard and a --limit subset", () => {
    const r = fixture("bicubic");
    r.suite.specVersion = "0.9.0";
    expect(reason(r)).toMatch(/spec version 0\.9\.0 is not the current 1\.0\.0/);
    expect(reason({ ...fixture("bicubic"), subset: { shard: { index: 0, count: 3 } } })).toMatch(/merge the shards/);
    expect(reason({ ...fixture("bicubic"), subset: { limit: 1 } })).toMatch(/--limit/);
  });

  it("refuses an incomplete model identity", () => {
    const r = fixture("bicubic");
    r.model.integrity = "unknown";
    expect(reason(r)).toMatch(/model identity/);
  });

  it("refuses a malformed registry", () => {
    expect(() => parseKnownDatasets('{"datasets":[{"key":"x"}]}', "k.json")).toThrow(/k\.json: expected/);
  });
});

describe("held-out verdicts", () => {
  it("refuses a result that ci-score flagged as leaking, accepts one that was not", () => {
    const heldOut = { commitment: "a".repeat(64), snapshots: 4, rfne: 0.52, ci95: [0.51, 0.53], leak: true };
    expect(reason({ ...fixture("bicubic"), heldOut })).toMatch(/flagged it as leaking/);
    expect(checkResult({ ...fixture("bicubic"), heldOut: { ...heldOut, leak: false } }, context).heldOut?.leak).toBe(false);
  });
});

describe("the committed leaderboard under the submission checks", () => {
  it("every committed result passes them (bounds, CIs containing their values, printable names)", async () => {
    const { listResults } = await import("./store.js");
    const root = new URL("../../../leaderboards/", import.meta.url).pathname;
    const results = await listResults(root);
    expect(results.length).toBeGreaterThan(10);
    for (const { result, file } of results) expect(() => checkResult(result, context, file)).not.toThrow();
  });
});
