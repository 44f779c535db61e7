import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { FieldbenchError, deriveSeed, sha256Files } from "@fieldbench/core";
import { type PackageManifest, countParameters, packageIntegrity, readPackageManifest } from "@fieldbench/models";
import { type SampleVisuals, type SplitResult, type SuperbenchResult, parseResult } from "@fieldbench/leaderboard";
import { type AggregateScore, aggregateScores, scoreSnapshot, type SnapshotScore } from "@fieldbench/metrics";
import { type DatasetSpec, TEST_SPLITS, type TestSplit, getDataset } from "./datasets.js";
import { type MetricMode, makeLowRes, scoreOptions } from "./evaluate.js";
import { HELD_OUT_RECIPES, type NsktRecipe, type SecretSeed, generateHeldOut, solverSeed } from "./held-out.js";
import { checkPackageFiles } from "./intake.js";
import { checksumSplits, openSplit } from "./reader.js";
import { describeHardware, finiteOrNull, harnessVersion, runIdentity, splitResult } from "./results.js";
import { embeddedDataRoot } from "./run.js";
import { DEFAULT_SANDBOX_LIMITS, SANDBOX_SCRATCH, probeSandbox, startSandboxed } from "./sandbox.js";
import { DEFAULT_TASK, type Task, resolveTask } from "./tasks.js";
import { visualsFromSnapshot } from "./visuals.js";

/** The CI-sized split: the embedded nskt_mini sample's test_1 and test_2. */
export const CI_DATASET = "nskt_mini";

/**
 * Claimed and re-scored values agree when |ours - claimed| <= absolute + relative * |claimed|. The sandboxed run
 * executes the same arithmetic as `fieldbench run superbench`, so honest claims made on the same platform match to
 * the last bit; the margin only absorbs float32 differences between CPUs, SIMD widths and thread counts.
 */
export const CLAIM_TOLERANCE = { relative: 1e-3, absolute: 1e-6 } as const;

export interface ModelPackage extends PackageManifest {
  /** packageIntegrity: sha256 over every file of the package. */
  readonly integrity: string;
  /**
   * Other names of the same bytes a claim may use: a TF.js package run by `fieldbench run superbench --model DIR`
   * records the sha256 of its weights (models' weightsSha256), which ci-score accepts in claims alongside the hash
   * of every file. The re-scored result always records the hash of every file.
   */
  readonly integrityAliases: readonly string[];
}

export interface CiScoreOptions {
  /** A result file whose numbers the package claims (`fieldbench run superbench` on nskt_mini). */
  readonly claims?: string;
  readonly task?: string;
  readonly mode?: MetricMode;
  /** Wall-time limit of intake, hashing and the sandboxed run together (default 120 s). */
  readonly timeoutMs?: number;
  /** Memory limit of the sandboxed process tree: V8 heap, resident set, cgroup (default 2048 MiB). */
  readonly memoryMb?: number;
  /** false only for the explicit --no-sandbox: the package then runs under Node's permission model alone. */
  readonly sandbox?: boolean;
  /** PATH to look for bwrap and prlimit in (default: this process's PATH). */
  readonly searchPath?: string;
  /** Scores a held-out split generated from this seed as well, and flags a package that does better on public data. */
  readonly secret?: SecretSeed;
  /** Another dataset than the embedded nskt_mini (tests use a small grid); its recipe makes the held-out split. */
  readonly dataset?: { readonly spec: DatasetSpec; readonly root: string; readonly recipe?: NsktRecipe };
}

export interface MetricDiff {
  readonly split: TestSplit;
  /** `rfne`, `perChannel.<c>.rfne`, `ci95.rfne.lo`, `perSnapshot.<i>.<c>.rfne`, `snapshots`. */
  readonly metric: string;
  readonly claimed: number | null;
  readonly scored: number | null;
  readonly ok: boolean;
}

/** The held-out split's verdict: the package's RFNE on fresh trajectories against its RFNE on the public splits. */
export interface HeldOutOutcome {
  /** sha256 of the secret seed: anyone can check the split once the seed is revealed. */
  readonly commitment: string;
  readonly snapshots: number;
  readonly rfne: number | null;
  readonly ci95: readonly [number | null, number | null];
  readonly publicRfne: number | null;
  readonly publicCi95: readonly [number | null, number | null];
  /** The public score beats the held-out one by more than both bootstrap CIs' half-widths together. */
  readonly leak: boolean;
}

export interface CiScoreOutcome {
  readonly package: ModelPackage;
  readonly result: SuperbenchResult;
  /** Present with --claims. */
  readonly diffs?: readonly MetricDiff[];
  /** Present with a secret seed. */
  readonly heldOut?: HeldOutOutcome;
  /** True without claims, or when every claimed value is reproduced and the run identity matches; never on a leak. */
  readonly accepted: boolean;
  /** Why the claims were refused (identity mismatch, the values outside tolerance, a leak). */
  readonly reasons: readonly string[];
  /** How the package was isolated: bubblewrap or none (--no-sandbox), and whether cgroup limits applied. */
  readonly isolation: { readonly os: "bwrap" | "none"; readonly cgroup: boolean };
  /** test_1 snapshot 0 of the sandboxed run: what report pages show, so the package never runs again for images. */
  readonly sample: SampleVisuals;
}

function badPackage(dir: string, reason: string): never {
  throw new FieldbenchError("BAD_PACKAGE", `${dir}: ${reason}`, { path: dir });
}

/**
 * Takes a package in: checks every entry (checkPackageFiles: no links, devices, FIFOs or sockets, bounded sizes),
 * reads its manifest, hashes every file before `deadline` and counts its parameters from the weights.
 */
export async function readModelPackage(dirArg: string, deadline = Number.POSITIVE_INFINITY): Promise<ModelPackage> {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) badPackage(dir, "not a directory");
  checkPackageFiles(dir);
  const manifest = readPackageManifest(dir);
  const integrity = await packageIntegrity(dir, Number.isFinite(deadline) ? { deadline } : {}).catch((err) => {
    if (err instanceof FieldbenchError && err.code === "TIMEOUT") badPackage(dir, err.message);
    throw err;
  });
  const counted = await countParameters(manifest);
  return { ...manifest, integrity, integrityAliases: await tfjsWeightsIntegrity(manifest), parameters: counted ?? manifest.parameters };
}

/** `sha256-` over the concatenated weight files a TF.js model.json names, in manifest order (as models' weightsSha256). */
async function tfjsWeightsIntegrity(manifest: PackageManifest): Promise<string[]> {
  if (manifest.kind !== "tfjs") return [];
  try {
    const json = JSON.parse(await readFile(join(manifest.dir, manifest.entry), "utf8")) as {
      weightsManifest?: { paths?: string[] }[];
    };
    const files = (json.weightsManifest ?? []).flatMap((g) => g.paths ?? []);
    if (files.some((f) => f.split(/[\\/]/).includes("..") || f.startsWith("/"))) return [];
    return [`sha256-${await sha256Files(files.map((f) => join(manifest.dir, f)))}`];
  } catch {
    return [];
  }
}

const RUNNER = fileURLToPath(new URL("../runner/ci-runner.mjs", import.meta.url));

/**
 * What the runner may read besides the package: the runner, the compiled modules it loads (core, models,
 * superbench's tiling) and node_modules. Not the datasets, not datagen, not the rest of the repository.
 */
function installReadPaths(): string[] {
  const superbenchDir = dirname(dirname(RUNNER));
  const packagesDir = dirname(superbenchDir);
  const paths = [
    join(superbenchDir, "package.json"),
    join(superbenchDir, "runner"),
    join(superbenchDir, "dist", "tiling.js"),
    join(packagesDir, "core"),
    join(packagesDir, "models"),
  ];
  for (let dir = superbenchDir; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules"))) paths.push(join(dir, "node_modules"));
  }
  return paths.filter((p) => existsSync(p));
}

interface RunnerInput {
  readonly values: Float32Array;
  /** [N, C, h, w] */
  readonly shape: readonly number[];
}

function writeAll(stream: Writable, chunks: readonly Uint8Array[]): void {
  stream.on("error", () => {}); // a package that exits without reading its input fails below, by its exit code
  for (const c of chunks) stream.write(c);
  stream.end();
}

/**
 * Runs the package on `inputs` in the sandbox (or, with --no-sandbox, under Node's permission model alone) and
 * returns its predictions per input, [N, C, h*scale, w*scale] float32. The child gets the LR values on stdin and
 * writes predictions to fd 3; it never sees a path of the data. Any failure, rule break or limit is a BAD_PACKAGE.
 */
async function runPackage(
  pkg: ModelPackage,
  job: { channels: number; scale: number; normalization: { mean: readonly number[]; std: readonly number[] } },
  inputs: readonly RunnerInput[],
  limits: { deadline: number; memoryMb: number; sandbox: boolean },
): Promise<{ predictions: Float32Array[]; isolation: CiScoreOutcome["isolation"] }> {
  const readOnly = [pkg.dir, ...installReadPaths()];
  const scratch = limits.sandbox ? SANDBOX_SCRATCH : undefined;
  const nodeArgs = [
    "--experimental-permission",
    // One flag per path: Node 20.x no longer accepts a comma-separated list.
    ...readOnly.map((p) => `--allow-fs-read=${p}`),
    ...(scratch === undefined ? [] : [`--allow-fs-read=${scratch}`, `--allow-fs-write=${scratch}`]),
    `--max-old-space-size=${limits.memoryMb}`,
    ...(pkg.kind === "onnx" ? ["--allow-addons"] : []),
    "--no-warnings",
    RUNNER,
  ];
  const proc = startSandboxed(nodeArgs, {
    readOnly,
    sandbox: limits.sandbox,
    limits: { deadline: limits.deadline, memoryMb: limits.memoryMb, ...DEFAULT_SANDBOX_LIMITS },
  });
  const header = Buffer.from(
    JSON.stringify({
      package: pkg.dir,
      kind: pkg.kind,
      entry: pkg.entry,
      ...job,
      inputs: inputs.map((i) => ({ shape: i.shape })),
    }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  writeAll(proc.child.stdin as Writable, [
    length,
    header,
    ...inputs.map((i) => new Uint8Array(i.values.buffer, i.values.byteOffset, i.values.byteLength)),
  ]);
  const outShapes = inputs.map((i) => [i.shape[0], i.shape[1], (i.shape[2] as number) * job.scale, (i.shape[3] as number) * job.scale]);
  const expected = outShapes.reduce((n, s) => n + s.reduce((a, b) => a * (b as number), 1) * 4, 0);
  const output = Buffer.alloc(expected);
  let received = 0;
  (proc.child.stdio[3] as Readable).on("data", (chunk: Buffer) => {
    if (received + chunk.length > expected) {
      proc.kill("wrote more output than its predictions and was killed");
      return;
    }
    chunk.copy(output, received);
    received += chunk.length;
  });
  let stderr = "";
  proc.child.stderr?.on("data", (d) => {
    if (stderr.length < 65536) stderr += d;
  });
  const { code } = await proc.exited;
  const stopped = proc.stopped();
  const name = pkg.name;
  if (stopped !== undefined) badPackage(pkg.dir, `package ${name} ${stopped}`);
  if (code !== 0) {
    const lines = stderr.trim().split("\n");
    const line = lines.find((l) => l.startsWith("ci-runner:")) ?? lines.find((l) => /ERR_|Error/.test(l)) ?? lines[0];
    const denied = /ERR_ACCESS_DENIED/.test(stderr) ? "was stopped by the sandbox (access denied)" : "failed";
    const heap = /heap out of memory|Allocation failed/.test(stderr) || code === null ? " (killed: out of its memory limit or by a signal)" : "";
    badPackage(pkg.dir, `package ${name} ${denied}${heap}: ${line || `exit code ${code}`}`);
  }
  if (received !== expected)
    badPackage(pkg.dir, `package ${name} wrote ${received} bytes of predictions, expected ${expected}`);
  const predictions: Float32Array[] = [];
  let offset = 0;
  for (const shape of outShapes) {
    const count = shape.reduce((a, b) => a * (b as number), 1);
    const values = new Float32Array(count);
    new Uint8Array(values.buffer).set(output.subarray(offset, offset + count * 4));
    offset += count * 4;
    predictions.push(values);
  }
  return { predictions, isolation: proc.isolation };
}

async function scoreAll(
  spec: DatasetSpec,
  mode: MetricMode,
  truth: readonly Float32Array[],
  pred: Float32Array,
): Promise<SnapshotScore[]> {
  const [h, w] = spec.hr;
  const size = spec.channels.length * h * w;
  const out: SnapshotScore[] = [];
  for (const [i, hr] of truth.entries())
    out.push(await scoreSnapshot(pred.subarray(i * size, (i + 1) * size), hr, [spec.channels.length, h, w], scoreOptions(spec, mode)));
  return out;
}

function withinTolerance(claimed: number | null, scored: number | null): boolean {
  if (claimed === null || scored === null) return claimed === scored;
  return Math.abs(scored - claimed) <= CLAIM_TOLERANCE.absolute + CLAIM_TOLERANCE.relative * Math.abs(claimed);
}

function compareRecord(
  split: TestSplit,
  prefix: string,
  claimed: Readonly<Record<string, number | null>>,
  scored: Readonly<Record<string, number | null>> | undefined,
): MetricDiff[] {
  return Object.entries(claimed).map(([metric, c]) => {
    const s = scored?.[metric] ?? null;
    return {
      split,
      metric: `${prefix}${metric}`,
      claimed: c,
      scored: s,
      ok: scored !== undefined && metric in scored && withinTolerance(c, s),
    };
  });
}

/**
 * Every number the claims state against the re-scored run: metrics, per-channel values, both bounds of every CI, the
 * snapshot count and every per-snapshot value. A value the claims leave out is not compared, but claims must state
 * every metric the re-scored run has (compareClaims' caller refuses incomplete ones), so nothing can be dropped.
 */
export function compareClaims(claims: SuperbenchResult, scored: SuperbenchResult): MetricDiff[] {
  const diffs: MetricDiff[] = [];
  for (const split of TEST_SPLITS) {
    const c = claims.splits[split];
    const s = scored.splits[split];
    diffs.push({ split, metric: "snapshots", claimed: c.snapshots, scored: s.snapshots, ok: c.snapshots === s.snapshots });
    diffs.push(...compareRecord(split, "", c.metrics, s.metrics));
    c.perChannel.forEach((record, ch) => diffs.push(...compareRecord(split, `perChannel.${ch}.`, record, s.perChannel[ch])));
    for (const [metric, [lo, hi]] of Object.entries(c.ci95)) {
      const bounds = s.ci95[metric];
      diffs.push(
        ...compareRecord(split, `ci95.${metric}.`, { lo, hi }, bounds === undefined ? undefined : { lo: bounds[0], hi: bounds[1] }),
      );
    }
    for (const snap of c.perSnapshot ?? []) {
      const other = s.perSnapshot?.find((p) => p.index === snap.index);
      snap.perChannel.forEach((record, ch) =>
        diffs.push(...compareRecord(split, `perSnapshot.${snap.index}.${ch}.`, record, other?.perChannel[ch])),
      );
      diffs.push(...compareRecord(split, `perSnapshot.${snap.index}.`, snap.snapshot, other?.snapshot));
    }
  }
  return diffs;
}

/** Claims that leave out metrics the run has, or state none at all, prove nothing: refused before scoring. */
function completenessReasons(claims: SuperbenchResult, scored: SuperbenchResult): string[] {
  const reasons: string[] = [];
  for (const split of TEST_SPLITS) {
    const missing = Object.keys(scored.splits[split].metrics).filter((m) => !(m in claims.splits[split].metrics));
    if (missing.length > 0) reasons.push(`claims for ${split} leave out ${missing.join(", ")}: claim every metric`);
    const missingCi = Object.keys(scored.splits[split].ci95).filter((m) => !(m in claims.splits[split].ci95));
    if (missingCi.length > 0) reasons.push(`claims for ${split} leave out the CIs of ${missingCi.join(", ")}`);
    if (claims.splits[split].perChannel.length !== scored.splits[split].perChannel.length)
      reasons.push(`claims for ${split} have ${claims.splits[split].perChannel.length} per-channel records, not ${scored.splits[split].perChannel.length}`);
  }
  return reasons;
}

function identityReasons(
  claims: SuperbenchResult,
  scored: SuperbenchResult,
  pkg: Pick<ModelPackage, "integrityAliases">,
): string[] {
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
  if (!pkg.integrityAliases.includes(claims.model.integrity))
    check("integrity", claims.model.integrity, scored.model.integrity);
  check("parameters", claims.model.parameters, scored.model.parameters);
  if (claims.subset !== undefined) reasons.push("claims cover a subset (--limit or --shard): claim the full CI split");
  return reasons;
}

/** The claims against the re-scored run: the per-value diffs and every reason to refuse (empty when they hold). */
export function judgeClaims(
  claims: SuperbenchResult,
  scored: SuperbenchResult,
  pkg: Pick<ModelPackage, "integrityAliases">,
): { diffs: MetricDiff[]; reasons: string[] } {
  const diffs = compareClaims(claims, scored);
  const bad = diffs.filter((d) => !d.ok).length;
  return {
    diffs,
    reasons: [
      ...identityReasons(claims, scored, pkg),
      ...completenessReasons(claims, scored),
      ...(bad > 0 ? [`${bad} of ${diffs.length} claimed values not reproduced`] : []),
    ],
  };
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
  for (const split of TEST_SPLITS) {
    if (Object.keys(parsed.result.splits[split].metrics).length === 0)
      throw new FieldbenchError("SCHEMA_INVALID", `${path}: claims state no metrics for ${split}: nothing to reproduce`, {
        path,
      });
  }
  return parsed.result;
}

/** LR inputs and HR truth of the public test splits, read by the parent only. */
async function publicSplits(
  spec: DatasetSpec,
  task: Task,
  root: string,
): Promise<Map<TestSplit, { hr: Float32Array[]; input: RunnerInput }>> {
  const out = new Map<TestSplit, { hr: Float32Array[]; input: RunnerInput }>();
  for (const split of TEST_SPLITS) {
    const reader = await openSplit(root, split, spec, { needLr: task.degradation === "lrsim" });
    try {
      const hrs: Float32Array[] = [];
      const lrs: Float32Array[] = [];
      for (let i = 0; i < reader.length; i++) {
        const hr = await reader.readHr(i);
        const lrIn = task.degradation === "lrsim" ? await reader.readLr(i) : undefined;
        hrs.push(hr);
        lrs.push(makeLowRes({ spec, task, split, index: i, hr, ...(lrIn ? { lr: lrIn } : {}) }).lr);
      }
      out.set(split, { hr: hrs, input: stack(lrs, spec, task) });
    } finally {
      await reader.close();
    }
  }
  return out;
}

function stack(lrs: readonly Float32Array[], spec: DatasetSpec, task: Task): RunnerInput {
  const [h, w] = spec.hr;
  const values = new Float32Array(lrs.reduce((n, a) => n + a.length, 0));
  for (const [i, a] of lrs.entries()) values.set(a, i * a.length);
  return { values, shape: [lrs.length, spec.channels.length, h / task.scale, w / task.scale] };
}

/** Fresh snapshots from the recipe and the secret seed; index offsets keep noisy tasks' noise apart from test_1's. */
async function heldOutSplit(
  spec: DatasetSpec,
  task: Task,
  recipe: NsktRecipe,
  secret: SecretSeed,
): Promise<{ hr: Float32Array[]; input: RunnerInput }> {
  const hr = await generateHeldOut(recipe, solverSeed(secret, spec.key));
  const lrs = hr.map((field, i) => makeLowRes({ spec, task, split: "test_1", index: 1_000_000 + i, hr: field }).lr);
  return { hr, input: stack(lrs, spec, task) };
}

function rfneWithCi(aggregate: AggregateScore): { rfne: number | null; ci: readonly [number | null, number | null] } {
  const ci = aggregate.ci95.rfne ?? [Number.NaN, Number.NaN];
  return { rfne: finiteOrNull(aggregate.metrics.rfne ?? Number.NaN), ci: [finiteOrNull(ci[0]), finiteOrNull(ci[1])] };
}

/**
 * Leak rule: the public RFNE is lower than the held-out RFNE by more than the sum of the two bootstrap CIs'
 * half-widths (the gap two honest estimates of the same error could show), and by more than 10% of the held-out
 * RFNE, a floor for the few snapshots of the CI split, whose bootstrap CI is narrow. Measured for bicubic on
 * nskt_mini: public 0.5209 [0.5110, 0.5314]; held-out 0.5218, 0.5264, 0.5289 for three seeds (CI half-widths
 * about 0.01), a gap of at most 1.5%.
 */
export function isLeak(pub: { rfne: number | null; ci: readonly [number | null, number | null] }, held: typeof pub): boolean {
  if (pub.rfne === null || held.rfne === null) return false;
  const half = (ci: readonly [number | null, number | null]) =>
    ci[0] === null || ci[1] === null ? 0 : (ci[1] - ci[0]) / 2;
  const gap = held.rfne - pub.rfne;
  return gap > half(pub.ci) + half(held.ci) && gap > 0.1 * held.rfne;
}

/**
 * `fieldbench ci-score`: scores a model package on the CI-sized split without letting it see the ground truth. The
 * package is taken in (readModelPackage) and run once, sandboxed (runPackage), on the LR inputs of the public test
 * splits and, with a secret seed, of a held-out split generated now; the parent scores the predictions exactly as
 * `fieldbench run superbench` does. With claims, every claimed value must be reproduced within CLAIM_TOLERANCE and
 * the identity (dataset, task, mode, name, version, integrity, counted parameters) must match. A package that fails,
 * breaks the sandbox's rules or exceeds its limits is a BAD_PACKAGE (exit 2); claims not reproduced or a public score
 * that beats the held-out one (a leak) are reported in the outcome (the CLI exits 1).
 */
export async function ciScore(packageDir: string, options: CiScoreOptions = {}): Promise<CiScoreOutcome> {
  const sandbox = options.sandbox ?? true;
  if (sandbox) {
    const probe = probeSandbox(options.searchPath);
    if (!probe.ok)
      throw new FieldbenchError(
        "BACKEND_UNAVAILABLE",
        `cannot sandbox untrusted code: ${probe.reason}; pass --no-sandbox only for packages you trust`,
      );
  }
  const claims = options.claims === undefined ? undefined : await readClaims(options.claims);
  const spec = options.dataset?.spec ?? getDataset(CI_DATASET);
  const root = options.dataset?.root ?? embeddedDataRoot(spec.key);
  const task = resolveTask(options.task ?? claims?.task.name ?? DEFAULT_TASK, spec);
  const mode = options.mode ?? claims?.mode ?? "default";
  const recipe = options.dataset === undefined ? HELD_OUT_RECIPES[spec.key] : options.dataset.recipe;
  const reasons: string[] = [];
  const pub = await publicSplits(spec, task, root);
  let held: { hr: Float32Array[]; input: RunnerInput } | undefined;
  if (options.secret !== undefined) {
    if (recipe === undefined || task.degradation === "lrsim")
      reasons.push(`no held-out split for ${spec.key} ${task.name}: the secret seed was not used`);
    else held = await heldOutSplit(spec, task, recipe, options.secret);
  }

  // The clock starts before intake: hashing a huge or endless package counts against the same limit as running it.
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 120_000);
  const pkg = await readModelPackage(packageDir, deadline);
  const inputs = [...TEST_SPLITS.map((s) => (pub.get(s) as { input: RunnerInput }).input), ...(held ? [held.input] : [])];
  const { predictions, isolation } = await runPackage(
    pkg,
    { channels: spec.channels.length, scale: task.scale, normalization: { mean: spec.mean, std: spec.std } },
    inputs,
    { deadline, memoryMb: options.memoryMb ?? 2048, sandbox },
  );

  const splits = {} as SuperbenchResult["splits"];
  const scores = new Map<TestSplit, SnapshotScore[]>();
  for (const [k, split] of TEST_SPLITS.entries()) {
    const s = await scoreAll(spec, mode, (pub.get(split) as { hr: Float32Array[] }).hr, predictions[k] as Float32Array);
    scores.set(split, s);
    const aggregate = aggregateScores(s, { seed: deriveSeed("superbench-bootstrap", spec.key, split) });
    splits[split] = splitResult(
      aggregate,
      s.map((score, index) => ({ index, score })),
    ) as SplitResult;
  }
  let heldOut: HeldOutOutcome | undefined;
  if (held !== undefined && options.secret !== undefined) {
    const heldScores = await scoreAll(spec, mode, held.hr, predictions[TEST_SPLITS.length] as Float32Array);
    const h = rfneWithCi(aggregateScores(heldScores, { seed: deriveSeed("superbench-bootstrap", spec.key, "held-out") }));
    const p = rfneWithCi(
      aggregateScores(
        TEST_SPLITS.flatMap((s) => scores.get(s) ?? []),
        { seed: deriveSeed("superbench-bootstrap", spec.key, "public") },
      ),
    );
    heldOut = {
      commitment: options.secret.commitment,
      snapshots: held.hr.length,
      rfne: h.rfne,
      ci95: h.ci,
      publicRfne: p.rfne,
      publicCi95: p.ci,
      leak: isLeak(p, h),
    };
    if (heldOut.leak)
      reasons.push(
        `leak: rfne ${p.rfne?.toPrecision(4)} on the public splits but ${h.rfne?.toPrecision(4)} on ${held.hr.length} held-out snapshots (commitment ${heldOut.commitment.slice(0, 16)}...)`,
      );
  }
  const result: SuperbenchResult = {
    ...runIdentity(spec, task, mode, await checksumSplits(root, TEST_SPLITS)),
    model: { name: pkg.name, version: pkg.version, integrity: pkg.integrity, parameters: pkg.parameters },
    splits,
    hardware: describeHardware(),
    harness: { name: "fieldbench", version: harnessVersion(), node: process.version },
    wallTimeSeconds: (Date.now() - started) / 1000,
    date: new Date().toISOString(),
    ...(heldOut === undefined
      ? {}
      : { heldOut: { commitment: heldOut.commitment, snapshots: heldOut.snapshots, rfne: heldOut.rfne, ci95: [...heldOut.ci95] as [number | null, number | null], leak: heldOut.leak } }),
  };
  const first = pub.get("test_1") as { hr: Float32Array[]; input: RunnerInput };
  const size = spec.channels.length * spec.hr[0] * spec.hr[1];
  const sample = await visualsFromSnapshot(
    spec,
    first.hr[0] as Float32Array,
    first.input.values,
    first.input.shape.slice(1),
    (predictions[0] as Float32Array).subarray(0, size),
  );
  const common = { package: pkg, result, isolation, sample, ...(heldOut === undefined ? {} : { heldOut }) };
  if (claims === undefined) return { ...common, accepted: !heldOut?.leak, reasons };
  const judged = judgeClaims(claims, result, pkg);
  const diffs = judged.diffs;
  reasons.unshift(...judged.reasons);
  const refused = reasons.filter((r) => !r.startsWith("no held-out split"));
  return { ...common, diffs, accepted: refused.length === 0, reasons };
}
