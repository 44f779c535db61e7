import { resolve } from "node:path";
import type { Command } from "commander";
import { FieldbenchError } from "@fieldbench/core";
import type { CiScoreOutcome, MetricDiff } from "@fieldbench/superbench";
import { type CliIo, printJson, printLine } from "../io.js";

interface CiScoreFlags {
  claims?: string;
  timeout?: string;
  memory?: string;
  out?: string;
  json?: boolean;
}

export function registerCiScore(program: Command, io: CliIo): void {
  program
    .command("ci-score")
    .argument("<package-dir>", "a model package: package.json with a fieldbench field {kind: js|tfjs|onnx, entry}")
    .option("--claims <results>", "the result file the package claims (fieldbench run superbench on nskt_mini)")
    .option("--timeout <seconds>", "wall-time limit of the sandboxed run", "120")
    .option("--memory <MiB>", "memory limit of the sandboxed run (V8 heap and resident set)", "2048")
    .option("--out <file>", "also write the re-scored result JSON here")
    .option("--json", "print {accepted, reasons, diffs, result} as JSON")
    .description("re-score a model package on the CI split in a sandbox and check its claimed numbers")
    .addHelpText(
      "after",
      "\nThe package runs on the LR inputs of the embedded nskt_mini test_1 and test_2 in a separate node process\n" +
        "under Node's permission model: it may read only its own folder, a scratch folder and fieldbench's install\n" +
        "(not the datasets), write only the scratch folder, start no processes or workers, and is killed past the\n" +
        "time or memory limit. The parent scores the predictions as `fieldbench run superbench` does. Claims are\n" +
        "accepted when dataset, task, mode and model name/version match and every claimed metric and per-channel\n" +
        "value is within |scored - claimed| <= 1e-6 + 1e-3 * |claimed|.\n" +
        "Exit codes: 0 accepted (or scored, without --claims), 1 claims not reproduced (a per-metric diff is\n" +
        "printed), 2 bad package (unreadable, broke the sandbox's rules, over a limit, or crashed).\n" +
        "Examples:\n" +
        "  fieldbench ci-score examples/model-packages/js-bicubic\n" +
        "  fieldbench ci-score ./my-model --claims results.json --timeout 300",
    )
    .action(async (dir: string, flags: CiScoreFlags) => ciScoreCommand(dir, flags, io));
}

function positive(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new FieldbenchError("BAD_USAGE", `${flag} must be a positive number, got "${text}"`);
  return n;
}

function fmt(v: number | null): string {
  return v === null ? "null" : Number(v.toPrecision(6)).toString();
}

function diffTable(diffs: readonly MetricDiff[]): string {
  const rows = diffs.map((d) => {
    const rel =
      d.claimed !== null && d.scored !== null && d.claimed !== 0
        ? (d.scored - d.claimed) / Math.abs(d.claimed)
        : Number.NaN;
    const relText = Number.isNaN(rel) ? "" : `${(rel * 100).toFixed(3)}%`;
    return `| ${d.split} | ${d.metric} | ${fmt(d.claimed)} | ${fmt(d.scored)} | ${relText} | ${d.ok ? "ok" : "MISMATCH"} |`;
  });
  return ["| split | metric | claimed | scored | difference | |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

async function ciScoreCommand(dir: string, flags: CiScoreFlags, io: CliIo): Promise<void> {
  const timeoutMs = positive(flags.timeout, "--timeout", 120) * 1000;
  const memoryMb = Math.round(positive(flags.memory, "--memory", 2048));
  const { ciScore } = await import("@fieldbench/superbench");
  const outcome: CiScoreOutcome = await ciScore(resolve(io.cwd, dir), {
    ...(flags.claims === undefined ? {} : { claims: resolve(io.cwd, flags.claims) }),
    timeoutMs,
    memoryMb,
  });
  if (flags.out !== undefined) {
    const { writeFileAtomic } = await import("@fieldbench/leaderboard");
    await writeFileAtomic(resolve(io.cwd, flags.out), `${JSON.stringify(outcome.result, null, 2)}\n`);
  }
  if (flags.json) {
    printJson(io, {
      accepted: outcome.accepted,
      reasons: outcome.reasons,
      diffs: outcome.diffs,
      result: outcome.result,
    });
  } else {
    const s = outcome.result.splits;
    printLine(
      io,
      `${outcome.package.name}@${outcome.package.version} (${outcome.package.kind}): test_1 rfne ${fmt(s.test_1.metrics["rfne"] ?? null)}, test_2 rfne ${fmt(s.test_2.metrics["rfne"] ?? null)}`,
    );
    if (outcome.diffs !== undefined) {
      const shown = outcome.accepted ? [] : outcome.diffs.filter((d) => !d.ok);
      if (shown.length > 0) printLine(io, diffTable(shown));
      printLine(io, outcome.accepted ? `accepted: all ${outcome.diffs.length} claimed values reproduced` : "rejected");
    }
  }
  if (!outcome.accepted) {
    throw new FieldbenchError(
      "CLAIMS_MISMATCH",
      `claims of ${outcome.package.name} rejected: ${outcome.reasons.join("; ")}`,
    );
  }
}
