import { resolve } from "node:path";
import type { Command } from "commander";
import { FieldbenchError } from "@fieldbench/core";
import type { CiScoreOutcome, MetricDiff } from "@fieldbench/superbench";
import { type CliIo, printJson, printLine, printable } from "../io.js";

interface CiScoreFlags {
  claims?: string;
  timeout?: string;
  memory?: string;
  out?: string;
  sample?: string;
  secretSeedFile?: string;
  sandbox?: boolean;
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
    .option("--sample <file>", "also write the sandboxed run's test_1 snapshot 0 (for `fieldbench report --sample`)")
    .option(
      "--secret-seed-file <file>",
      "score a held-out split generated from this seed too (default: $FIELDBENCH_SECRET_SEED_FILE or $FIELDBENCH_SECRET_SEED)",
    )
    .option("--no-sandbox", "run without bubblewrap (Node's permission model only): for packages you trust")
    .option("--json", "print {accepted, reasons, diffs, heldOut, isolation, result} as JSON")
    .description("re-score a model package on the CI split in a sandbox and check its claimed numbers")
    .addHelpText(
      "after",
      "\nThe package must hold only plain files and folders (no symlinks, hard links, devices, FIFOs, sockets; at most\n" +
        "10000 files, 512 MiB a file, 1 GiB in all); every file is hashed, dot-files and node_modules/ included. It\n" +
        "then runs under bubblewrap: own user, PID, network, IPC and mount namespaces, a read-only view of the package\n" +
        "and the Node runtime only (no dataset), a 256 MiB tmpfs scratch, rlimits (address space, CPU, file size, open\n" +
        "files, processes), cgroup memory/pids limits where the cgroup tree is writable, and Node's permission model\n" +
        "inside. It gets the LR inputs of nskt_mini test_1 and test_2 over a pipe and writes predictions back; the\n" +
        "parent scores them as `fieldbench run superbench` does. The time limit covers hashing and running.\n" +
        "With a secret seed it also scores fresh trajectories made now from the public recipe and that seed (the\n" +
        "result records sha256 of the seed); a package whose public score beats its held-out score by more than the\n" +
        "bootstrap CIs (and 10%) is flagged as leaking. Claims must state every metric and are compared field by\n" +
        "field (metrics, per-channel and per-snapshot values, CIs, snapshot count, parameters counted from the\n" +
        "weights, integrity) within |scored - claimed| <= 1e-6 + 1e-3 * |claimed|. Without bubblewrap (or user\n" +
        "namespaces) it refuses to run unless --no-sandbox is given. docs/security.md has the threat model.\n" +
        "Exit codes: 0 accepted (or scored, without --claims), 1 claims not reproduced or a leak (a per-metric diff\n" +
        "is printed), 2 bad package (refused at intake, broke the sandbox's rules, over a limit, or crashed) or no\n" +
        "sandbox available.\n" +
        "Examples:\n" +
        "  fieldbench ci-score examples/model-packages/js-bicubic\n" +
        "  fieldbench ci-score ./my-model --claims results.json --timeout 300 --json\n" +
        "  FIELDBENCH_SECRET_SEED_FILE=/run/secrets/seed fieldbench ci-score ./my-model --claims results.json\n" +
        "  fieldbench ci-score ./my-model --out rescored.json --sample sample.json && \\\n" +
        "    fieldbench report rescored.json --sample sample.json --out report/",
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
  const { ciScore, readSecretSeed, writeSampleFile } = await import("@fieldbench/superbench");
  const secret = readSecretSeed({
    env: io.env,
    ...(flags.secretSeedFile === undefined ? {} : { file: resolve(io.cwd, flags.secretSeedFile) }),
  });
  if (flags.sandbox === false) io.stderr.write("fieldbench: --no-sandbox: the package runs without bubblewrap\n");
  const outcome: CiScoreOutcome = await ciScore(resolve(io.cwd, dir), {
    ...(flags.claims === undefined ? {} : { claims: resolve(io.cwd, flags.claims) }),
    ...(secret === undefined ? {} : { secret }),
    timeoutMs,
    memoryMb,
    sandbox: flags.sandbox !== false,
    ...(io.env.PATH === undefined ? {} : { searchPath: io.env.PATH }),
  });
  if (flags.out !== undefined) {
    const { writeFileAtomic } = await import("@fieldbench/leaderboard");
    await writeFileAtomic(resolve(io.cwd, flags.out), `${JSON.stringify(outcome.result, null, 2)}\n`);
  }
  if (flags.sample !== undefined) await writeSampleFile(resolve(io.cwd, flags.sample), outcome.sample);
  if (flags.json) {
    printJson(io, {
      accepted: outcome.accepted,
      reasons: outcome.reasons,
      diffs: outcome.diffs,
      heldOut: outcome.heldOut,
      isolation: outcome.isolation,
      result: outcome.result,
    });
  } else {
    const s = outcome.result.splits;
    printLine(
      io,
      `${printable(outcome.package.name)}@${printable(outcome.package.version)} (${outcome.package.kind}): test_1 rfne ${fmt(s.test_1.metrics["rfne"] ?? null)}, test_2 rfne ${fmt(s.test_2.metrics["rfne"] ?? null)}`,
    );
    if (outcome.heldOut !== undefined) {
      const h = outcome.heldOut;
      printLine(
        io,
        `held-out: rfne ${fmt(h.rfne)} on ${h.snapshots} snapshots (public ${fmt(h.publicRfne)}; seed commitment ${h.commitment})${h.leak ? ": LEAK" : ""}`,
      );
    }
    if (outcome.diffs !== undefined) {
      const shown = outcome.accepted ? [] : outcome.diffs.filter((d) => !d.ok);
      if (shown.length > 0) printLine(io, diffTable(shown));
      printLine(io, outcome.accepted ? `accepted: all ${outcome.diffs.length} claimed values reproduced` : "rejected");
    } else if (!outcome.accepted) {
      printLine(io, "rejected");
    }
  }
  if (!outcome.accepted) {
    throw new FieldbenchError(
      "CLAIMS_MISMATCH",
      `claims of ${outcome.package.name} rejected: ${outcome.reasons.join("; ")}`,
    );
  }
}
