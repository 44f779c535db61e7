import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { FieldbenchError } from "@fieldbench/core";
import type { SuperbenchResult } from "./schema.js";

/**
 * The leaderboard's two diagnostic columns (docs/diagnostics.md), defined once for the markdown and the HTML tables:
 * - OOD: RFNE on test_2 over RFNE on test_1, the transfer from interpolation to extrapolation in time
 *   (Subramanian et al., NeurIPS 2023); 1 = no loss out of the training period;
 * - mean alpha: the mean power-law exponent of the model's layer ESDs (Martin and Mahoney, JMLR 2021), from
 *   `fieldbench weights diagnose` reports stored under <root>/diagnostics/weights/<package>/weights.json.
 */
export const DIAGNOSTIC_COLUMNS = ["OOD (test_2/test_1)", "mean alpha"] as const;

export function oodRatio(result: SuperbenchResult): number | null {
  const t1 = result.splits.test_1?.metrics["rfne"];
  const t2 = result.splits.test_2?.metrics["rfne"];
  return t1 === null || t1 === undefined || t2 === null || t2 === undefined || t1 === 0 ? null : t2 / t1;
}

/** Model package name -> mean alpha, from every weights.json under <root>/diagnostics/weights/ (none: empty). */
export function readMeanAlphas(root: string): Map<string, number | null> {
  const dir = join(root, "diagnostics", "weights");
  const out = new Map<string, number | null>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = join(dir, entry.name, "weights.json");
    if (!entry.isDirectory() || !existsSync(file)) continue;
    let report: { package?: { name?: unknown }; summary?: { meanAlpha?: unknown } };
    try {
      report = JSON.parse(readFileSync(file, "utf8"));
    } catch (cause) {
      throw new FieldbenchError("CORRUPT_FILE", `${file}: not JSON (rewrite it with fieldbench weights diagnose)`, {
        path: file,
        cause,
      });
    }
    const name = report.package?.name;
    const alpha = report.summary?.meanAlpha;
    if (typeof name !== "string")
      throw new FieldbenchError("CORRUPT_FILE", `${file}: no package.name (not a weights diagnose report)`, {
        path: file,
      });
    out.set(name, typeof alpha === "number" && Number.isFinite(alpha) ? alpha : null);
  }
  return out;
}
