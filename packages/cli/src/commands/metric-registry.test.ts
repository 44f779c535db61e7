import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNpy } from "@fieldbench/formats";
import { checkResult, rankResults, renderCsv, renderMarkdown, type SuperbenchResult } from "@fieldbench/leaderboard";
import { type ChannelMetric, registerMetric } from "@fieldbench/metrics";
import { formatResultTable } from "@fieldbench/superbench";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const tmp = mkdtempSync(join(tmpdir(), "metric-registry-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A newcomer's metric, registered at run time (the same as one file plus one line in metrics' registry.ts): the share
 * of pixels whose error is at most 0.5 z-units, with statistics of its own. Nothing else in the repository mentions it.
 */
const toyWithin: ChannelMetric = {
  id: "toy_within",
  scope: "channel",
  statistics: {
    id: "toy_within",
    compute: ({ pred, truth, mean, std }) => {
      let within = 0;
      let count = 0;
      for (let i = 0; i < pred.length; i++) {
        const t = truth[i] as number;
        if (Number.isNaN(t)) continue;
        count++;
        if (Math.abs(((pred[i] as number) - mean) / std - (t - mean) / std) <= 0.5) within++;
      }
      return { within, count };
    },
  },
  finalize: (s) => (s.within as number) / (s.count as number),
  description: "share of pixels with abs(z_pred - z_true) <= 0.5 (a toy metric of the registry test)",
  unit: "1",
  better: "higher",
  nullable: "0/0 when every truth pixel is masked",
  modes: ["default"],
  summary: ["default"],
  perChannelTable: true,
};

beforeAll(() => registerMetric(toyWithin));

describe("a metric registered once appears everywhere", () => {
  it("score: in --help, in the default metric set and by name, with the hand-worked value", async () => {
    const help = await runMain(["score", "--help"], tmp);
    expect(help.stdout).toMatch(/\n {2}toy_within +1 +\^ +share of pixels/);
    // truth 0..7, pred = truth + [0, 0.25, 1, 2, 0, 0.5, 3, 0]: errors <= 0.5 at 5 of 8 pixels (0, 0.25, 0, 0.5, 0) -> 0.625
    const truth = Float32Array.from({ length: 8 }, (_, i) => i);
    const add = [0, 0.25, 1, 2, 0, 0.5, 3, 0];
    await writeNpy(join(tmp, "t.npy"), truth, [1, 2, 4]);
    await writeNpy(
      join(tmp, "p.npy"),
      truth.map((v, i) => v + (add[i] as number)),
      [1, 2, 4],
    );
    const pair = ["--pred", join(tmp, "p.npy"), "--truth", join(tmp, "t.npy"), "--json"];
    const all = JSON.parse((await runMain(["score", ...pair], tmp)).stdout);
    expect(all.metrics.toy_within).toBe(0.625);
    const named = await runMain(["score", ...pair, "--metrics", "toy_within"], tmp);
    expect(JSON.parse(named.stdout).metrics).toEqual({ toy_within: 0.625 });
  });

  it("run, the summary table, result checks, ranking and the leaderboard tables", async () => {
    const out = join(tmp, "run.json");
    const r = await runMain(["run", "superbench", "--quiet", "--out", out], tmp);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| +split \| +n \|.* toy_within \|/);
    const result = JSON.parse(readFileSync(out, "utf8")) as SuperbenchResult;
    for (const split of ["test_1", "test_2"] as const) {
      const value = result.splits[split].metrics.toy_within as number;
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThanOrEqual(1);
      expect(result.splits[split].perChannel[0]).toHaveProperty("toy_within");
    }
    expect(formatResultTable(result)).toContain("toy_within");

    const context = {
      specVersion: result.suite.specVersion,
      knownDatasets: [{ key: result.dataset.key, version: result.dataset.version, checksum: result.dataset.checksum }],
    };
    expect(checkResult(result, context).splits.test_1.metrics.toy_within).toBe(result.splits.test_1.metrics.toy_within);
    // The descriptor says why toy_within may be undefined, so null passes; the same null under a name nobody
    // registered does not.
    const withNull = (name: string) => {
      const copy = structuredClone(result) as unknown as { splits: { test_1: { metrics: Record<string, unknown> } } };
      copy.splits.test_1.metrics[name] = null;
      return copy;
    };
    expect(() => checkResult(withNull("toy_within"), context)).not.toThrow();
    expect(() => checkResult(withNull("toy_unregistered"), context)).toThrow(/toy_unregistered is null/);

    const boards = rankResults([
      { result, file: "a.json" },
      { result: { ...result, model: { ...result.model, name: "other" } }, file: "b.json" },
    ]);
    // Display order: after every built-in metric.
    expect(boards[0]?.metrics.at(-1)).toBe("toy_within");
    const markdown = renderMarkdown(boards);
    expect(markdown).toMatch(/\| spectrum_lsd_high \| toy_within \|/);
    // The per-channel detail table (perChannelTable) and the CSV.
    expect(markdown).toMatch(/u toy_within/);
    expect(renderCsv(boards).split("\n")[0]).toContain("toy_within");
  }, 60_000);
});
