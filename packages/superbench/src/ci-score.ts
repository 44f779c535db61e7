import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FieldbenchError, deriveSeed } from "@fieldbench/core";
import { type PackageManifest, packageIntegrity, readPackageManifest } from "@fieldbench/models";
import { readNpy, writeNpy } from "@fieldbench/formats";
import { RESULT_SCHEMA_ID, type SuperbenchResult, parseResult } from "@fieldbench/leaderboard";
import { aggregateScores, scoreSnapshot, type SnapshotScore } from "@fieldbench/metrics";
import { TEST_SPLITS, type TestSplit, getDataset } from "./datasets.js";
import { type MetricMode, makeLowRes, scoreOptions } from "./evaluate.js";
import { checksumSplits, openSplit } from "./reader.js";
import { SPEC_VERSION, describeHardware, harnessVersion, splitResult } from "./results.js";
import { embeddedDataRoot } from "./run.js";
import { DEFAULT_TASK, resolveTask } from "./tasks.js";

/** The CI-sized split: the embedded nskt_mini sample's test_1 and test_2. */
export const CI_DATASET = "nskt_mini";

/**
 * Claimed and re-scored values agree when |ours - claimed| <= absolute + relative * |claimed|. The sandboxed run
 * executes the same arithmetic as `fieldbench run superbench`, so honest claims made on the same platform match to
 * the last bit; the margin only absorbs float32 differences between CPUs, SIMD widths and thread counts.
 */
export const CLAIM_TOLERANCE = { relative: 1e-3, absolute: 1e-6 } as const;

export interface ModelPackage extends PackageManifest {
  /** packageIntegrity: sha256 over the package's files. */
  readonly integrity: string;
}

export interface CiScoreOptions {
  /** A result file whose numbers the package claims (`fieldbench run superbench` on nskt_mini). */
  readonly claims?: string;
  readonly task?: string;
  readonly mode?: MetricMode;
  /** Wall-time limit of the sandboxed process (default 120 s). */
  readonly timeoutMs?: number;
  /** Memory limit of the sandboxed process: V8 heap and resident set (default 2048 MiB). */
  readonly memoryMb?: number;
}

export interface MetricDiff {
  readonly split: TestSplit;
  /** `rfne` or `perChannel.<c>.rfne`. */
  readonly metric: string;
  readonly claimed: number | null;
  readonly scored: number | null;
  readonly ok: boolean;
}

export interface CiScoreOutcome {
  readonly package: ModelPackage;
  readonly result: SuperbenchResult;
  /** Present with --claims. */
  readonly diffs?: readonly MetricDiff[];
  /** True without claims, or when every claimed value is reproduced and the run identity matches. */
  readonly accepted: boolean;
  /** Why the claims were refused (identity mismatch or the metrics outside tolerance). */
  readonly reasons: readonly string[];
}

function badPackage(dir: string, reason: string): never {
  throw new FieldbenchError("BAD_PACKAGE", `${dir}: ${reason}`, { path: dir });
}

/** Reads a model package's package.json `fieldbench` field and hashes its files (refuses a non-directory). */
export async function readModelPackage(dirArg: string): Promise<ModelPackage> {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) badPackage(dir, "not a directory");
  const manifest = readPackageManifest(dir);
  return { ...manifest, integrity: await packageIntegrity(dir) };
}

const RUNNER = fileURLToPath(new URL("../runner/ci-runner.mjs", import.meta.url));

/** What the sandbox may read besides the package and scratch: fieldbench's own packages and node_modules. */
function installReadPaths(): string[] {
  const superbenchDir = dirname(dirname(RUNNER));
  const paths = [dirname(superbenchDir)];
  for (let dir = superbenchDir; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules"))) paths.push(join(dir, "node_modules"));
  }
  return paths;
}

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs the runner under Node's permission model: reads limited to the package, the scratch folder and the fieldbench
 * install, writes to scratch only, no child processes or workers; addons only for ONNX packages (onnxruntime-node
 * is an addon; an ONNX package ships a graph, no code). Killed past the time limit or the memory limit (V8 heap via
 * --max-old-space-size, resident set polled from /proc on Linux).
 */
async function runSandboxed(
  pkg: ModelPackage,
  scratch: string,
  limits: { timeoutMs: number; memoryMb: number },
): Promise<void> {
  const args = [
    "--experimental-permission",
    // One flag per path: Node 20.x no longer accepts a comma-separated list.
    ...[pkg.dir, scratch, ...installReadPaths()].map((p) => `--allow-fs-read=${p}`),
    `--allow-fs-write=${scratch}`,
    `--max-old-space-size=${limits.memoryMb}`,
    ...(pkg.kind === "onnx" ? ["--allow-addons"] : []),
    "--no-warnings",
    RUNNER,
    join(scratch, "job.json"),
  ];
  const child = spawn(process.execPath, args, { cwd: scratch, stdio: ["ignore", "ignore", "pipe"], env: {} });
  let stderr = "";
  child.stderr.on("data", (d) => {
    if (stderr.length < 65536) stderr += d;
  });
  let stopped: string | undefined;
  const kill = (why: string) => {
    stopped ??= why;
    child.kill("SIGKILL");
  };
  const timer = setTimeout(
    () => kill(`did not finish within ${limits.timeoutMs / 1000} s and was killed`),
    limits.timeoutMs,
  );
  const poll = setInterval(() => {
    if (child.pid !== undefined && rssBytes(child.pid) > limits.memoryMb * 1024 * 1024)
      kill(`used more than ${limits.memoryMb} MiB of memory and was killed`);
  }, 100);
  const code = await new Promise<number | null>((done) => child.on("close", (c) => done(c)));
  clearTimeout(timer);
  clearInterval(poll);
  if (stopped !== undefined) badPackage(pkg.dir, `package ${pkg.name} ${stopped}`);
  if (code !== 0) {
    const lines = stderr.trim().split("\n");
    const line = lines.find((l) => l.startsWith("ci-runner:")) ?? lines.find((l) => /ERR_|Error/.test(l)) ?? lines[0];
    const denied = /ERR_ACCESS_DENIED/.test(stderr) ? "was stopped by the sandbox (access denied)" : "failed";
    const heap = /heap out of memory|Allocation failed/.test(stderr) ? " (out of its memory limit)" : "";
    badPackage(pkg.dir, `package ${pkg.name} ${denied}${heap}: ${line ?? `exit code ${code}`}`);
  }
}

function withinTolerance(claimed: number | null, scored: number | null): boolean {
  if (claimed === null || scored === null) return claimed === scored;
  return Math.abs(scored - claimed) <= CLAIM_TOLERANCE.absolute + CLAIM_TOLERANCE.relative * Math.abs(claimed);
}

/** Every metric and per-channel value the claims state, against the re-scored run. */
export function compareClaims(claims: SuperbenchResult, scored: SuperbenchResult): MetricDiff[] {
  const diffs: MetricDiff[] = [];
  for (const split of TEST_SPLITS) {
    const c = claims.splits[split];
    const s = scored.splits[split];
    for (const [metric, claimed] of Object.entries(c.metrics)) {
      const value = s.metrics[metric] ?? null;
      diffs.push({ split, metric, claimed, scored: value, ok: metric in s.metrics && withinTolerance(claimed, value) });
    }
    c.perChannel.forEach((record, ch) => {
      for (const [metric, claimed] of Object.entries(record)) {
        const value = s.perChannel[ch]?.[metric] ?? null;
        diffs.push({
          split,
          metric: `perChannel.${ch}.${metric}`,
          claimed,
          scored: value,
          ok: withinTolerance(claimed, value),
        });
      }
    });
  }
  return diffs;
}

function identityReasons(claims: SuperbenchResult, scored: SuperbenchResult): string[] {
  const reasons: string[] = [];
  const check = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b))
      reasons.push(`${what}: claimed ${JSON.stringify(a)}, scored ${JSON.stringify(b)}`);
  };
  check(
    "dataset",
    [claims.dataset.key, claims.dataset.version, claims.dataset.checksum],
    [scored.dataset.key, scored.dataset.version, scored.dataset.checksum],
  );
  check("task", claims.task.name, scored.task.name);
  check("mode", claims.mode, scored.mode);
  check("model", [claims.model.name, claims.model.version], [scored.model.name, scored.model.version]);
  if (claims.subset !== undefined) reasons.push("claims cover a subset (--limit or --shard): claim the full CI split");
  return reasons;
}

async function readClaims(path: string): Promise<SuperbenchResult> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (cause) {
    throw new FieldbenchError("FILE_NOT_FOUND", `${path}: cannot read the claims as JSON`, { path, cause });
  }
  const parsed = parseResult(value);
  if (!parsed.ok) throw new FieldbenchError("SCHEMA_INVALID", `${path}: ${parsed.error}`, { path });
  return parsed.result;
}

/**
 * `fieldbench ci-score`: scores a model package on the CI-sized split without letting it see the ground truth. The
 * parent degrades nskt_mini's test_1 and test_2 to LR, writes them as .npy into a fresh scratch folder, runs the
 * package there in a sandboxed `node` (runSandboxed), reads the predictions back and scores them exactly as
 * `fieldbench run superbench` does. With claims, every claimed metric and per-channel value must be reproduced
 * within CLAIM_TOLERANCE and the dataset, task, mode and model name/version must match. A package that fails,
 * breaks the sandbox's rules or exceeds its limits is a BAD_PACKAGE (exit 2); claims not reproduced are
 * reported in the outcome (the CLI exits 1).
 */
export async function ciScore(packageDir: string, options: CiScoreOptions = {}): Promise<CiScoreOutcome> {
  const started = Date.now();
  const pkg = await readModelPackage(packageDir);
  const claims = options.claims === undefined ? undefined : await readClaims(options.claims);
  const spec = getDataset(CI_DATASET);
  const task = resolveTask(options.task ?? claims?.task.name ?? DEFAULT_TASK, spec);
  const mode = options.mode ?? claims?.mode ?? "default";
  const root = embeddedDataRoot(spec.key);
  const [h, w] = spec.hr;
  const c = spec.channels.length;
  const scratch = await mkdtemp(join(tmpdir(), "fieldbench-ci-"));
  try {
    const truth = new Map<TestSplit, Float32Array[]>();
    const inputs: { lr: string; out: string }[] = [];
    await mkdir(join(scratch, "in"));
    await mkdir(join(scratch, "out"));
    for (const split of TEST_SPLITS) {
      const reader = await openSplit(root, split, spec, { needLr: task.degradation === "lrsim" });
      try {
        const hrs: Float32Array[] = [];
        const lrs: Float32Array[] = [];
        let lrShape: readonly number[] = [];
        for (let i = 0; i < reader.length; i++) {
          const hr = await reader.readHr(i);
          const lrIn = task.degradation === "lrsim" ? await reader.readLr(i) : undefined;
          const { lr, shape } = makeLowRes({ spec, task, split, index: i, hr, ...(lrIn ? { lr: lrIn } : {}) });
          hrs.push(hr);
          lrs.push(lr);
          lrShape = shape;
        }
        const batch = new Float32Array(lrs.reduce((n, a) => n + a.length, 0));
        for (const [i, a] of lrs.entries()) batch.set(a, i * a.length);
        await writeNpy(join(scratch, "in", `${split}.npy`), batch, [lrs.length, ...lrShape]);
        truth.set(split, hrs);
        inputs.push({ lr: `in/${split}.npy`, out: `out/${split}.npy` });
      } finally {
        await reader.close();
      }
    }
    const job = {
      package: pkg.dir,
      kind: pkg.kind,
      entry: pkg.entry,
      scratch,
      channels: c,
      scale: task.scale,
      normalization: { mean: spec.mean, std: spec.std },
      inputs,
    };
    await writeFile(join(scratch, "job.json"), JSON.stringify(job));
    await runSandboxed(pkg, scratch, { timeoutMs: options.timeoutMs ?? 120_000, memoryMb: options.memoryMb ?? 2048 });

    const splits = {} as SuperbenchResult["splits"];
    for (const split of TEST_SPLITS) {
      const hrs = truth.get(split) as Float32Array[];
      const outPath = join(scratch, "out", `${split}.npy`);
      if (!existsSync(outPath)) badPackage(pkg.dir, `package ${pkg.name} wrote no predictions for ${split}`);
      const pred = await readNpy(outPath);
      const expected = [hrs.length, c, h, w];
      if (JSON.stringify(pred.shape) !== JSON.stringify(expected) || !(pred.data instanceof Float32Array))
        badPackage(
          pkg.dir,
          `package ${pkg.name} predicted shape [${pred.shape.join(", ")}] for ${split}, expected [${expected.join(", ")}] float32`,
        );
      const scored: { index: number; score: SnapshotScore }[] = [];
      for (let i = 0; i < hrs.length; i++) {
        const p = (pred.data as Float32Array).subarray(i * c * h * w, (i + 1) * c * h * w);
        scored.push({
          index: i,
          score: await scoreSnapshot(p, hrs[i] as Float32Array, [c, h, w], scoreOptions(spec, mode)),
        });
      }
      const aggregate = aggregateScores(
        scored.map((s) => s.score),
        { seed: deriveSeed("superbench-bootstrap", spec.key, split) },
      );
      splits[split] = splitResult(aggregate, scored);
    }
    const result: SuperbenchResult = {
      schema: RESULT_SCHEMA_ID,
      suite: { name: "superbench", specVersion: SPEC_VERSION },
      mode,
      dataset: {
        key: spec.key,
        version: spec.version,
        checksum: await checksumSplits(root, TEST_SPLITS),
        channels: spec.channels.map((ch) => ch.name),
      },
      task: {
        name: task.name,
        degradation: task.degradation,
        scale: task.scale,
        ...(task.noiseRatio === undefined ? {} : { noiseRatio: task.noiseRatio }),
      },
      model: { name: pkg.name, version: pkg.version, integrity: pkg.integrity, parameters: pkg.parameters },
      splits,
      hardware: describeHardware(),
      harness: { name: "fieldbench", version: harnessVersion(), node: process.version },
      wallTimeSeconds: (Date.now() - started) / 1000,
      date: new Date().toISOString(),
    };
    if (claims === undefined) return { package: pkg, result, accepted: true, reasons: [] };
    const diffs = compareClaims(claims, result);
    const bad = diffs.filter((d) => !d.ok);
    const reasons = [
      ...identityReasons(claims, result),
      ...(bad.length > 0 ? [`${bad.length} of ${diffs.length} claimed values not reproduced`] : []),
    ];
    return { package: pkg, result, diffs, accepted: reasons.length === 0, reasons };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
