import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FieldbenchError, checkAllocation, sha256Bytes } from "@fieldbench/core";
import { type CardDataset, cardDataset } from "./card.js";
import { AXIS_CONVENTION, GENERATOR_VERSION } from "./generate.js";
import { type NsktParams, validateParams } from "./params.js";
import {
  type NsktRelease,
  type NsktReleaseParams,
  type PlannedTrajectory,
  type ReleaseSize,
  type Shard,
  type TrajectoryCounts,
  type TrajectoryGroup,
  getRelease,
  planRelease,
  planTrajectory,
  shardPlan,
  windowsFrom,
} from "./release.js";
import type { NsktBackendName } from "./solver.js";
import { SPLITS, type SplitName } from "./splits.js";
import {
  type GenerationProgress,
  type SplitStatistics,
  type TrajectoryFile,
  type TrajectoryRecord,
  type TrajectoryStep,
  addStatistics,
  finalizeStatistics,
  runTrajectories,
  runTrajectory,
  stepProgress,
} from "./trajectory.js";

/**
 * Parameters a caller may change (tests and previews run small grids and short times); a changed set is not the
 * release. tStart and interval place snapshot k at tStart + k interval (windowsFrom); give both or neither.
 */
export type ReleaseOverrides = Partial<Pick<NsktReleaseParams, "size" | "lrFactor" | "k0" | "cfl">> & {
  tStart?: number;
  interval?: number;
};

export interface GenerateReleaseOptions {
  release: NsktRelease | string;
  /** Dataset root; shards of one release write into the same folder (or folders copied together before merging). */
  out: string;
  size?: ReleaseSize | TrajectoryCounts;
  shard?: Shard;
  backend?: NsktBackendName;
  overrides?: ReleaseOverrides;
  /** Trajectories stepped together (default: 4 on webgpu, 1 on cpu); the values do not depend on it. */
  batch?: number;
  onProgress?: (event: GenerationProgress) => void;
  /** Stops at the next step; finished trajectories stay, so the same command resumes. */
  signal?: AbortSignal;
}

/** What one shard wrote: merged with the other shards' into the release card. */
export interface ShardManifest {
  release: string;
  fingerprint: string;
  shard: Shard;
  trajectories: (TrajectoryRecord & { group: TrajectoryGroup })[];
}

export interface ReleaseCard {
  name: string;
  release: string;
  version: string;
  /** True when the parameters are the registered release's (no overrides). */
  official: boolean;
  generator: string;
  fingerprint: string;
  parameters: NsktReleaseParams & { backend: NsktBackendName; nu: number };
  plan: {
    size: ReleaseSize | "custom";
    trajectories: TrajectoryCounts;
    windowSnapshots: number;
    laterSnapshots: number;
  };
  layout: string;
  axisConvention: string;
  dataset: CardDataset;
  /** Per split: channel means and stds and the mean energy spectrum E(k) (what `datasets verify --statistics` compares). */
  statistics: Partial<Record<SplitName, { snapshots: number; mean: number[]; std: number[]; spectrum: number[] }>>;
  trajectories: { seed: number; group: TrajectoryGroup; files: string[] }[];
  files: TrajectoryFile[];
  steps: { hr: number; lr: number };
  /** Sum over trajectories (shards may have run in parallel). */
  computeSeconds: number;
  msPerStep: number;
  shards: number;
  downloadUrl: string | null;
  created: string;
  regenerate: string;
}

const LAYOUT =
  "SuperBench: <split>/<release>_seed<S>.h5, one file per trajectory and split, with fields [N,3,H,W] float32 (u, v, w), LR_fields [N,3,H/f,W/f], time [N]";

interface Resolved {
  release: NsktRelease;
  params: NsktReleaseParams;
  official: boolean;
  fingerprint: string;
  backend: NsktBackendName;
  plan: PlannedTrajectory[];
  sizeName: ReleaseSize | "custom";
  counts: TrajectoryCounts;
}

function resolve(o: Pick<GenerateReleaseOptions, "release" | "size" | "backend" | "overrides">): Resolved {
  const release = typeof o.release === "string" ? getRelease(o.release) : o.release;
  const { tStart, interval, ...rest } = o.overrides ?? {};
  const overrides = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  if ((tStart === undefined) !== (interval === undefined)) {
    throw new FieldbenchError(
      "BAD_USAGE",
      "a release preview needs both a first snapshot time and an interval, or neither",
    );
  }
  for (const [name, v] of [
    ["t-start", tStart],
    ["interval", interval],
  ] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      throw new FieldbenchError("INVALID_VALUE", `${name} must be > 0, got ${v}`);
  }
  const times = tStart === undefined || interval === undefined ? {} : windowsFrom(release, tStart, interval);
  const params: NsktReleaseParams = { ...release.params, ...overrides, ...times };
  const official = JSON.stringify(params) === JSON.stringify(release.params);
  validateParams(hrParams(params, 0));
  const lrSize = params.lrFactor > 0 ? params.size / params.lrFactor : 0;
  if (params.lrFactor > 0 && !(Number.isInteger(lrSize) && lrSize >= 16)) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `size ${params.size} / lr factor ${params.lrFactor} must be a whole grid of at least 16`,
    );
  }
  const backend = o.backend ?? "cpu";
  const size = o.size ?? "default";
  const effective = { ...release, params };
  const plan = planRelease(effective, size);
  const counts = typeof size === "string" ? release.trajectories[size] : size;
  // Everything that decides the values: the same fingerprint, the same values (on the same hardware and Dawn).
  const fingerprint = sha256Bytes(
    JSON.stringify({
      GENERATOR_VERSION,
      key: release.key,
      params,
      backend,
      w: release.windowSnapshots,
      l: release.laterSnapshots,
    }),
  );
  return {
    release,
    params,
    official,
    fingerprint,
    backend,
    plan,
    sizeName: typeof size === "string" ? size : "custom",
    counts,
  };
}

/** Trajectories per batch: 4 on a GPU (one set of dispatches for all), 1 on the CPU (which steps them in turn). */
function batchSize(options: GenerateReleaseOptions): number {
  const size = options.batch ?? ((options.backend ?? "cpu") === "webgpu" ? 4 : 1);
  if (!(Number.isSafeInteger(size) && size >= 1)) {
    throw new FieldbenchError("BAD_USAGE", `batch must be a positive integer, got ${size}`);
  }
  return size;
}

/** Consecutive runs of at most `size` trajectories of one group (a group's trajectories share snapshot times). */
function batches<T extends { t: PlannedTrajectory }>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (const item of items) {
    const last = out[out.length - 1];
    if (last !== undefined && last.length < size && last[0]!.t.group === item.t.group) last.push(item);
    else out.push([item]);
  }
  return out;
}

function hrParams(p: NsktReleaseParams, seed: number): NsktParams {
  return {
    n: p.size,
    re: p.re,
    seed,
    k0: p.k0,
    cfl: p.cfl,
    ...(p.forcing === undefined ? {} : { forcing: p.forcing }),
  };
}

const recordPath = (out: string, seed: number) => join(out, "trajectories", `seed${seed}.json`);
const stemOf = (key: string, seed: number) => `${key}_seed${seed}`;

/** A trajectory finished by an earlier run of the same release: its record and files are all in place. */
async function finishedRecord(
  out: string,
  r: Resolved,
  seed: number,
): Promise<ShardManifest["trajectories"][number] | undefined> {
  const path = recordPath(out, seed);
  if (!existsSync(path)) return undefined;
  const saved = JSON.parse(await readFile(path, "utf8")) as {
    fingerprint: string;
    record: ShardManifest["trajectories"][number];
  };
  if (saved.fingerprint !== r.fingerprint) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `${out} holds trajectory ${seed} of other parameters (fingerprint ${saved.fingerprint.slice(0, 12)}, this command ${r.fingerprint.slice(0, 12)}): use another --out`,
      { path },
    );
  }
  for (const f of saved.record.files) {
    const info = await stat(join(out, f.path)).catch(() => undefined);
    if (info?.size !== f.bytes) return undefined;
  }
  return saved.record;
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, path);
}

/**
 * Generates one shard (all of it by default) of a release: each planned trajectory runs with its own seed and
 * lands in the split folders, with a record under trajectories/ once complete, so an interrupted run skips the
 * finished ones when the same command runs again. The shard's manifest goes to manifests/shard-<i>-of-<n>.json;
 * when every planned trajectory is on disk, the manifests are merged into card.json and CARD.md (mergeRelease).
 */
export async function generateRelease(
  options: GenerateReleaseOptions,
): Promise<{ manifest: ShardManifest; card?: ReleaseCard; generated: number; resumed: number }> {
  const r = resolve(options);
  const shard = options.shard ?? { index: 0, count: 1 };
  const mine = shardPlan(r.plan, shard);
  checkAllocation(r.params.size * r.params.size * 3, 4, `one ${r.params.size}x${r.params.size} snapshot`);
  const fresh = !existsSync(options.out);
  try {
    return await generateShard(options, r, shard, mine);
  } catch (err) {
    // A run that failed before finishing any trajectory leaves no folder behind (bad GPU, bad parameters).
    if (fresh && !existsSync(join(options.out, "trajectories")))
      await rm(options.out, { recursive: true, force: true });
    throw err;
  }
}

async function generateShard(
  options: GenerateReleaseOptions,
  r: Resolved,
  shard: Shard,
  mine: PlannedTrajectory[],
): Promise<{ manifest: ShardManifest; card?: ReleaseCard; generated: number; resumed: number }> {
  const lrSize = r.params.lrFactor > 0 ? r.params.size / r.params.lrFactor : 0;
  const records: ShardManifest["trajectories"] = [];
  let remainingSimTime = mine.reduce((s, t) => s + t.endTime, 0);
  let simTimeDone = 0;
  let computeMs = 0;
  let generated = 0;
  let resumed = 0;
  const todo: { t: PlannedTrajectory; ordinal: number }[] = [];
  for (const [i, t] of mine.entries()) {
    const previous = await finishedRecord(options.out, r, t.seed);
    if (previous === undefined) {
      todo.push({ t, ordinal: i + 1 });
      continue;
    }
    records.push(previous);
    remainingSimTime -= t.endTime;
    resumed++;
    const base = { seed: t.seed, ordinal: i + 1, trajectories: mine.length };
    options.onProgress?.({ ...base, phase: "skipped", time: t.endTime, phaseEnd: t.endTime });
  }
  for (const members of batches(todo, batchSize(options))) {
    const [first] = members;
    const size = members.length;
    const started = performance.now();
    const run = runTrajectories({
      members: members.map(({ t }) => ({
        params: validateParams(hrParams(r.params, t.seed)),
        stem: stemOf(r.release.key, t.seed),
        attrs: {
          title: `${r.release.title}; trajectory seed ${t.seed} (${t.group})`,
          generator: GENERATOR_VERSION,
          release: r.release.key,
          fingerprint: r.fingerprint,
          Re: r.params.re,
          seed: t.seed,
          k0: r.params.k0,
          channels: "u, v, w",
          axis_convention: AXIS_CONVENTION,
        },
      })),
      lrSize,
      backend: r.backend,
      snapshots: first!.t.snapshots,
      root: options.out,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onStep: (step) => {
        // Simulated time per wall second over every trajectory this process stepped; a batch covers `size` at once.
        const rate = (simTimeDone + size * step.time) / ((computeMs + performance.now() - started) / 1000);
        const base = { seed: first!.t.seed, ordinal: first!.ordinal, trajectories: mine.length };
        options.onProgress?.(stepProgress(step, base, rate / size, remainingSimTime / size));
      },
    });
    const done = await run.catch((err: unknown) => {
      if (options.signal?.aborted !== true) throw err;
      throw new FieldbenchError(
        "WORK_FAILED",
        `interrupted at trajectory seed ${first!.t.seed}; ${generated + resumed} of this shard's ${mine.length} trajectories are finished and kept: run the same command to resume`,
      );
    });
    computeMs += performance.now() - started;
    for (const [k, record] of done.entries()) {
      const t = members[k]!.t;
      simTimeDone += t.endTime;
      remainingSimTime -= t.endTime;
      const entry = { ...record, group: t.group };
      await mkdir(join(options.out, "trajectories"), { recursive: true });
      await writeJsonAtomic(recordPath(options.out, t.seed), { fingerprint: r.fingerprint, record: entry });
      records.push(entry);
      generated++;
    }
  }
  records.sort((a, b) => mine.findIndex((t) => t.seed === a.seed) - mine.findIndex((t) => t.seed === b.seed));
  const manifest: ShardManifest = { release: r.release.key, fingerprint: r.fingerprint, shard, trajectories: records };
  await mkdir(join(options.out, "manifests"), { recursive: true });
  await writeJsonAtomic(join(options.out, "manifests", `shard-${shard.index}-of-${shard.count}.json`), manifest);
  const done = await Promise.all(r.plan.map((t) => finishedRecord(options.out, r, t.seed)));
  const card = done.every((d) => d !== undefined) ? await mergeRelease({ ...options, out: options.out }) : undefined;
  return { manifest, ...(card === undefined ? {} : { card }), generated, resumed };
}

/**
 * Merges the shards' manifests under <out>/manifests into card.json and CARD.md: every planned trajectory must be
 * in exactly one manifest (or in several with the same value checksums), statistics add up across shards, and the
 * z-score constants come from the train split.
 */
export async function mergeRelease(
  options: Pick<GenerateReleaseOptions, "release" | "out" | "size" | "backend" | "overrides">,
): Promise<ReleaseCard> {
  const r = resolve(options);
  const dir = join(options.out, "manifests");
  const names = existsSync(dir) ? (await readdir(dir)).filter((n) => /^shard-\d+-of-\d+\.json$/.test(n)).sort() : [];
  const bySeed = new Map<number, ShardManifest["trajectories"][number]>();
  let shards = 0;
  for (const name of names) {
    const m = JSON.parse(await readFile(join(dir, name), "utf8")) as ShardManifest;
    if (m.fingerprint !== r.fingerprint) {
      throw new FieldbenchError(
        "INVALID_VALUE",
        `${join(dir, name)}: a shard of other parameters (release ${m.release}, fingerprint ${m.fingerprint.slice(0, 12)}; expected ${r.fingerprint.slice(0, 12)})`,
        { path: join(dir, name) },
      );
    }
    shards = Math.max(shards, m.shard.count);
    for (const t of m.trajectories) {
      const seen = bySeed.get(t.seed);
      if (
        seen !== undefined &&
        JSON.stringify(seen.files.map((f) => f.valueSha256)) !== JSON.stringify(t.files.map((f) => f.valueSha256))
      ) {
        throw new FieldbenchError(
          "WORK_FAILED",
          `${dir}: trajectory ${t.seed} appears in two shards with different values`,
        );
      }
      bySeed.set(t.seed, t);
    }
  }
  const missing = r.plan.filter((t) => !bySeed.has(t.seed)).map((t) => t.seed);
  if (missing.length > 0) {
    throw new FieldbenchError(
      "FILE_NOT_FOUND",
      `${options.out}: ${missing.length} of ${r.plan.length} trajectories are in no shard manifest (seeds ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}): run the missing shards first`,
    );
  }
  const records = r.plan.map((t) => bySeed.get(t.seed)!);
  const files = records.flatMap((t) => t.files).sort((a, b) => (a.path < b.path ? -1 : 1));
  const sums: Partial<Record<SplitName, SplitStatistics>> = {};
  for (const rec of records) {
    for (const [split, s] of Object.entries(rec.statistics) as [SplitName, SplitStatistics][]) {
      const prev = sums[split];
      sums[split] = prev === undefined ? s : addStatistics(prev, s);
    }
  }
  const statistics: ReleaseCard["statistics"] = {};
  for (const split of SPLITS) {
    const s = sums[split];
    if (s !== undefined) statistics[split] = { snapshots: s.snapshots, ...finalizeStatistics(s) };
  }
  const steps = records.reduce((a, t) => ({ hr: a.hr + t.steps.hr, lr: a.lr + t.steps.lr }), { hr: 0, lr: 0 });
  const stepSeconds = records.reduce((a, t) => a + t.stepSeconds, 0);
  const name = r.official ? r.release.key : `${r.release.key}-custom-${r.fingerprint.slice(0, 8)}`;
  const card: ReleaseCard = {
    name,
    release: r.release.key,
    version: r.release.version,
    official: r.official,
    generator: GENERATOR_VERSION,
    fingerprint: r.fingerprint,
    parameters: { ...r.params, backend: r.backend, nu: 1 / r.params.re },
    plan: {
      size: r.sizeName,
      trajectories: r.counts,
      windowSnapshots: r.release.windowSnapshots,
      laterSnapshots: r.release.laterSnapshots,
    },
    layout: LAYOUT,
    axisConvention: AXIS_CONVENTION,
    dataset: cardDataset({
      key: name,
      version: r.release.version,
      title: r.official ? r.release.title : `${r.release.title}, with changed parameters`,
      size: r.params.size,
      lrFactor: r.params.lrFactor,
      train: sums.train,
      files,
    }),
    statistics,
    trajectories: records.map((t) => ({ seed: t.seed, group: t.group, files: t.files.map((f) => f.path) })),
    files,
    steps,
    computeSeconds: records.reduce((a, t) => a + t.wallSeconds, 0),
    msPerStep: steps.hr > 0 ? (1000 * stepSeconds) / steps.hr : 0,
    shards: Math.max(1, shards),
    downloadUrl: r.release.downloadUrl,
    created: new Date().toISOString(),
    regenerate: regenerateCommand(r),
  };
  await writeJsonAtomic(join(options.out, "card.json"), card);
  await writeFile(join(options.out, "CARD.md"), renderReleaseCard(card));
  return card;
}

function regenerateCommand(r: Resolved): string {
  const p = r.params;
  const base = `fieldbench datasets generate nskt --release ${r.release.key} --backend ${r.backend}`;
  const size = r.sizeName === "custom" ? "" : ` --release-size ${r.sizeName}`;
  const overrides = r.official
    ? ""
    : ` --size ${p.size} --lr-factor ${p.lrFactor} --k0 ${p.k0} --cfl ${p.cfl} --t-start ${p.window[0]} --interval ${(p.window[1] - p.window[0]) / (r.release.windowSnapshots - 1)}`;
  return `${base}${size}${overrides} [--shard i/n for each i]`;
}

function renderReleaseCard(c: ReleaseCard): string {
  const d = c.dataset;
  const stats = Object.entries(c.statistics)
    .map(
      ([split, s]) =>
        `| ${split} | ${s.snapshots} | ${s.mean.map((x) => x.toExponential(3)).join(", ")} | ${s.std.map((x) => x.toFixed(5)).join(", ")} |`,
    )
    .join("\n");
  const groups = (g: TrajectoryGroup) => c.trajectories.filter((t) => t.group === g).map((t) => t.seed);
  return `# ${c.name}

${d.title}. Generated by fieldbench (${c.generator})${c.official ? "" : "; **not the registered release: parameters changed**"}.

- Release: ${c.release} (version ${c.version}); download: ${c.downloadUrl ?? "not hosted yet (generate it with the command below)"}
- Parameters: \`${JSON.stringify(c.parameters)}\`${c.parameters.calibrated ? "" : " (pre-calibration placeholders)"}
- Plan (${c.plan.size}): trajectories ${JSON.stringify(c.plan.trajectories)}; ${c.plan.windowSnapshots} snapshots per trajectory in the training window, ${c.plan.laterSnapshots} later ones per held-out trajectory
- Train seeds ${groups("train").join(", ")}; valid seeds ${groups("valid").join(", ")}; test seeds ${groups("test").join(", ")}. No trajectory is in two groups.
- Splits: train ${d.splitSizes.train}, valid ${d.splitSizes.valid}, test ${d.splitSizes.test} snapshots; grid ${d.hr.join(" x ")}
- z-score constants (train split): mean ${d.mean.map((x) => x.toExponential(4)).join(", ")}; std ${d.std.map((x) => x.toFixed(6)).join(", ")}
- Test value checksum (sha256 over the test snapshots' float32 values): \`${d.testValueSha256}\`
- Layout: ${c.layout}
- Axes: ${c.axisConvention}
- Steps: ${c.steps.hr} (HR), ${c.steps.lr} (LR); ${c.msPerStep.toFixed(2)} ms per HR step; ${c.computeSeconds.toFixed(1)} s of generation over ${c.shards} shard(s)
- Created: ${c.created}
- Regenerate: \`${c.regenerate}\`

Every snapshot's value checksum (sha256 of its float32 values) is in card.json; \`fieldbench datasets verify --data DIR\`
recomputes them. File sha256 differ between reruns (HDF5 stores modification times); values do not, on the same GPU
and Dawn version. On other hardware the values differ: \`verify --statistics\` compares moments and spectra instead.

| split | snapshots | channel means (u, v, w) | channel stds (u, v, w) |
| --- | --- | --- | --- |
${stats}
`;
}

/**
 * Fresh test trajectories with a release's parameters and a caller's seed (the scoring sandbox passes a secret one):
 * `trajectories` runs with seeds seed, seed + 1, ..., each giving test_1 (training-window times) and test_2 (later
 * times) in <out>/test_1 and <out>/test_2, plus card.json with the value checksums; neither file names nor the
 * card hold the seed. The seeds may not be the
 * release's own (1000..3999), so held-out flows are never training flows. `constants` (the release's z-score
 * constants) go into the card so `run superbench --data out` scores the set; overrides allow small grids in tests.
 */
export async function generateHeldOut(options: {
  release: NsktRelease | string;
  seed: number;
  out: string;
  trajectories?: number;
  backend?: NsktBackendName;
  overrides?: ReleaseOverrides;
  constants?: { mean: number[]; std: number[] };
  signal?: AbortSignal;
}): Promise<{ files: TrajectoryFile[]; dataset: CardDataset }> {
  const count = options.trajectories ?? 1;
  const r = resolve({ ...options, size: { train: 1, valid: 1, test: 1 } });
  if (!Number.isSafeInteger(options.seed) || !Number.isSafeInteger(count) || count < 1) {
    throw new FieldbenchError("INVALID_VALUE", `held-out generation needs an integer seed and >= 1 trajectories`);
  }
  const seeds = Array.from({ length: count }, (_, i) => options.seed + i);
  const clash = seeds.find((s) => s >= 1000 && s < 4000);
  if (clash !== undefined) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `seed ${clash} is one of the release's own trajectories (1000..3999): held-out seeds must lie outside`,
    );
  }
  const lrSize = r.params.lrFactor > 0 ? r.params.size / r.params.lrFactor : 0;
  const files: TrajectoryFile[] = [];
  let test: SplitStatistics | undefined;
  for (const [i, seed] of seeds.entries()) {
    const t = planTrajectory({ ...r.release, params: r.params }, "test", seed);
    const record = await runTrajectory({
      params: validateParams(hrParams(r.params, seed)),
      lrSize,
      backend: r.backend,
      snapshots: t.snapshots,
      root: options.out,
      // Named by ordinal, never by seed: the seed may be a secret the scored model must not read from the folder.
      stem: `${r.release.key}-heldout_${String(i).padStart(3, "0")}`,
      attrs: {
        title: `${r.release.title}; held-out trajectory`,
        generator: GENERATOR_VERSION,
        release: r.release.key,
        fingerprint: r.fingerprint,
        Re: r.params.re,
        channels: "u, v, w",
        axis_convention: AXIS_CONVENTION,
      },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    files.push(...record.files);
    const s = record.statistics.test_1;
    if (s !== undefined) test = test === undefined ? s : addStatistics(test, s);
  }
  // Without the release's constants, the held-out set's own test_1 moments stand in (said in the title).
  const own = test === undefined ? undefined : finalizeStatistics(test);
  const constants = options.constants ?? (own === undefined ? undefined : { mean: own.mean, std: own.std });
  const dataset: CardDataset = {
    ...cardDataset({
      key: `${r.release.key}-heldout`,
      version: r.release.version,
      title: `${r.release.title}, held-out test trajectories${options.constants === undefined ? " (z-score constants from their own test_1)" : ""}`,
      size: r.params.size,
      lrFactor: r.params.lrFactor,
      train: test,
      files,
    }),
    ...(constants === undefined ? {} : constants),
  };
  await writeJsonAtomic(join(options.out, "card.json"), {
    name: dataset.key,
    release: r.release.key,
    generator: GENERATOR_VERSION,
    fingerprint: r.fingerprint,
    parameters: r.params,
    dataset,
    files,
  });
  return { files, dataset };
}
