import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { FieldbenchError, createSha256, sha256File } from "@fieldbench/core";
import type { NsktParams } from "./params.js";
import { type NsktBackendName, type NsktSnapshot, type StepInfo, createBatchSolver, createSolver } from "./solver.js";
import { energySpectrum } from "./spectrum.js";
import { SPLITS, type SplitName } from "./splits.js";

export const CHANNELS = ["u", "v", "w"] as const;

/**
 * The value checksum of one snapshot: sha256 of its float32 values, C order [C, H, W], little-endian bytes.
 * Unlike a file's sha256 it does not change when HDF5 rewrites its headers or timestamps.
 */
export function valueSha256(values: Float32Array): string {
  const hash = createSha256();
  hash.update(values);
  return hash.digest();
}

/** Summable statistics of one split: shards and trajectories add them (WeatherBench-style), then finalize. */
export interface SplitStatistics {
  snapshots: number;
  /** Grid points per channel per snapshot (H W). */
  pixels: number;
  /** Per channel: sum and sum of squares of the stored float32 values. */
  sum: number[];
  sumSquares: number[];
  /** Sum over snapshots of the isotropic kinetic-energy spectrum E(k), k = 0..n/2 (spectrum.ts). */
  spectrum: number[];
}

export interface TrajectoryFile {
  split: SplitName;
  /** Relative to the dataset root: <split>/<stem>.h5. */
  path: string;
  times: number[];
  /** sha256 of the file's bytes (changes between reruns: HDF5 stores modification times). */
  sha256: string;
  /** Per snapshot, the value checksum (valueSha256) of `fields[i]`. */
  valueSha256: string[];
  /** Per snapshot, the value checksum of `LR_fields[i]` (absent without an LR run). */
  lrValueSha256?: string[];
  /** sha256 of each whole dataset's values (fields, LR_fields, time), C order, little-endian. */
  dataSha256: Record<string, string>;
  bytes: number;
}

export interface TrajectoryRecord {
  seed: number;
  files: TrajectoryFile[];
  statistics: Partial<Record<SplitName, SplitStatistics>>;
  steps: { hr: number; lr: number };
  /** Wall time spent stepping the HR solver (for ms per step). */
  stepSeconds: number;
  wallSeconds: number;
}

/** A step of a trajectory: spin-up until the first snapshot's time, sampling after. */
export interface TrajectoryStep extends StepInfo {
  phase: "spin-up" | "sampling";
  /** Time the solver is heading for now (the next snapshot). */
  target: number;
  /** Time of the trajectory's first and last snapshot. */
  firstTime: number;
  endTime: number;
  snapshotsDone: number;
}

/** What a generator reports at every step and for every trajectory skipped on resume. */
export interface GenerationProgress {
  seed: number;
  /** 1-based position of the trajectory in this run (shard), and the run's trajectory count. */
  ordinal: number;
  trajectories: number;
  /** "skipped": already on disk from an earlier run (resume). */
  phase: TrajectoryStep["phase"] | "skipped";
  time: number;
  /** End of the phase: the first snapshot's time during spin-up, the last one's while sampling. */
  phaseEnd: number;
  /** Seconds left in this phase and in the run, from the simulated-time rate so far. */
  phaseEtaSeconds?: number;
  runEtaSeconds?: number;
}

/**
 * A step as progress. `rate` is simulated time per wall second so far; `remaining` the simulated time this run
 * still had to cover when the current trajectory started (trajectories cost about the same per time unit).
 */
export function stepProgress(
  step: TrajectoryStep,
  base: Pick<GenerationProgress, "seed" | "ordinal" | "trajectories">,
  rate: number,
  remaining: number,
): GenerationProgress {
  const phaseEnd = step.phase === "spin-up" ? step.firstTime : step.endTime;
  return {
    ...base,
    phase: step.phase,
    time: step.time,
    phaseEnd,
    ...(rate > 0 && Number.isFinite(rate)
      ? { phaseEtaSeconds: (phaseEnd - step.time) / rate, runEtaSeconds: (remaining - step.time) / rate }
      : {}),
  };
}

export interface RunTrajectoryOptions {
  /** HR solver parameters (seed included). */
  params: NsktParams;
  /** LR grid side (0: no LR_fields). */
  lrSize: number;
  backend: NsktBackendName;
  /** Snapshots in time order. */
  snapshots: readonly { time: number; split: SplitName }[];
  /** Dataset root: files land in <root>/<split>/<stem>.h5, written under a temporary name first. */
  root: string;
  stem: string;
  /** HDF5 root attributes. */
  attrs: Record<string, string | number>;
  onStep?: (step: TrajectoryStep) => void;
  /** Checked at every step; an aborted run removes its partial files and throws. */
  signal?: AbortSignal;
}

/**
 * Runs one trajectory (an HR solver and, when lrSize > 0, an LR solver from the same initial modes) and writes its
 * snapshots into one HDF5 file per split it touches: `fields` [N, 3, H, W] float32 (u, v, w), `LR_fields`,
 * `time` [N]. Returns per-snapshot value checksums and the splits' summable statistics. Nothing is left under a
 * final name unless the whole trajectory finished.
 */
export async function runTrajectory(o: RunTrajectoryOptions): Promise<TrajectoryRecord> {
  const { params, stem, attrs, ...rest } = o;
  const [record] = await runTrajectories({ ...rest, members: [{ params, stem, attrs }] });
  return record!;
}

export interface RunTrajectoriesOptions extends Omit<RunTrajectoryOptions, "params" | "stem" | "attrs"> {
  /** Trajectories sharing grid, Re, CFL and forcing (seeds differ), stepped as one batch. */
  members: readonly { params: NsktParams; stem: string; attrs: Record<string, string | number> }[];
}

/**
 * runTrajectory for several trajectories with the same snapshot times, stepped together through
 * createBatchSolver (one set of GPU dispatches for all on webgpu; each member keeps its own dt, so its values are
 * those of a run alone). Progress follows the slowest member.
 */
export async function runTrajectories(o: RunTrajectoriesOptions): Promise<TrajectoryRecord[]> {
  const started = performance.now();
  const n = o.members[0]!.params.n;
  const counts = new Map<SplitName, number>();
  for (const s of o.snapshots) counts.set(s.split, (counts.get(s.split) ?? 0) + 1);
  const staging = join(o.root, `.partial-${o.members[0]!.stem}-${process.pid}`);
  const params = o.members.map((m) => m.params);
  const hr = await createStepper(params, o.backend);
  const lr =
    o.lrSize > 0
      ? await createStepper(
          params.map((p) => ({ ...p, n: o.lrSize })),
          o.backend,
        )
      : undefined;
  const outputs: MemberOutput[] = [];
  let stepMs = 0;
  try {
    await rm(staging, { recursive: true, force: true });
    for (const m of o.members) outputs.push(await openMemberOutput(staging, m.stem, m.attrs, counts, n, o.lrSize));
    const firstTime = o.snapshots[0]?.time ?? 0;
    const endTime = o.snapshots[o.snapshots.length - 1]?.time ?? 0;
    for (let k = 0; k < o.snapshots.length; k++) {
      const { time, split } = o.snapshots[k]!;
      const t0 = performance.now();
      await hr.advanceTo(time, (info) => {
        if (o.signal?.aborted) throw interrupted(o.members[0]!.stem);
        o.onStep?.({
          ...info,
          phase: k === 0 ? "spin-up" : "sampling",
          target: time,
          firstTime,
          endTime,
          snapshotsDone: k,
        });
      });
      stepMs += performance.now() - t0;
      if (lr !== undefined) await lr.advanceTo(time, () => {});
      for (const [member, output] of outputs.entries()) {
        const values = packSnapshot(await hr.snapshot(member));
        const lrValues = lr === undefined ? undefined : packSnapshot(await lr.snapshot(member));
        output.write(split, time, values, lrValues, await spectrumOf(hr, member, n));
      }
    }
    const records: TrajectoryRecord[] = [];
    for (const [member, output] of outputs.entries()) {
      records.push({
        seed: params[member]!.seed,
        files: await output.finish(staging, o.root),
        statistics: output.statistics,
        steps: { hr: hr.steps(member), lr: lr?.steps(member) ?? 0 },
        // A batch's stepping time is shared by its members.
        stepSeconds: stepMs / 1000 / outputs.length,
        wallSeconds: (performance.now() - started) / 1000 / outputs.length,
      });
    }
    return records;
  } finally {
    for (const output of outputs) await output.abort();
    await rm(staging, { recursive: true, force: true });
    hr.dispose();
    lr?.dispose();
  }
}

/** One solver or a batch behind one shape: per-step callbacks, member-indexed reads. */
interface Stepper {
  advanceTo(target: number, onStep: (info: StepInfo) => void): Promise<void>;
  snapshot(member: number): Promise<NsktSnapshot>;
  spectrum(member: number): Promise<{ re: Float64Array; im: Float64Array }>;
  steps(member: number): number;
  dispose(): void;
}

async function createStepper(params: readonly NsktParams[], backend: NsktBackendName): Promise<Stepper> {
  if (params.length === 1) {
    // A single solver reports every step (a CPU batch reports only when all its members arrive).
    const s = await createSolver(params[0]!, backend);
    return {
      advanceTo: (target, onStep) => s.advanceTo(target, onStep),
      snapshot: () => s.snapshot(),
      spectrum: () => s.spectrum(),
      steps: () => s.steps,
      dispose: () => s.dispose(),
    };
  }
  const b = await createBatchSolver(params, backend);
  return {
    advanceTo: (target, onStep) =>
      b.advanceTo(target, (p) => {
        const slowest = p.remaining.indexOf(Math.max(...p.remaining));
        onStep({ dt: p.dt[slowest]!, time: target - p.remaining[slowest]!, speed: p.speed[slowest]! });
      }),
    snapshot: (member) => b.snapshot(member),
    spectrum: (member) => b.spectrum(member),
    steps: (member) => b.steps()[member]!,
    dispose: () => b.dispose(),
  };
}

/** One trajectory's files under staging: a writer per split, value checksums and statistics as snapshots come. */
interface MemberOutput {
  statistics: Partial<Record<SplitName, SplitStatistics>>;
  write(
    split: SplitName,
    time: number,
    values: Float32Array,
    lrValues: Float32Array | undefined,
    spectrum: Float64Array,
  ): void;
  /** Closes the files, hashes them and renames them into root; returns their records. */
  finish(staging: string, root: string): Promise<TrajectoryFile[]>;
  abort(): Promise<void>;
}

async function openMemberOutput(
  staging: string,
  stem: string,
  attrs: Record<string, string | number>,
  counts: ReadonlyMap<SplitName, number>,
  n: number,
  lrSize: number,
): Promise<MemberOutput> {
  const { createHdf5Writer } = await import("@fieldbench/formats");
  const splits = SPLITS.filter((s) => counts.has(s));
  const datasets = lrSize > 0 ? ["fields", "LR_fields", "time"] : ["fields", "time"];
  const writers = new Map<SplitName, Awaited<ReturnType<typeof createHdf5Writer>>>();
  const files = new Map<SplitName, TrajectoryFile>();
  const hashes = new Map<SplitName, Map<string, ReturnType<typeof createSha256>>>();
  const statistics: Partial<Record<SplitName, SplitStatistics>> = {};
  for (const split of splits) {
    await mkdir(join(staging, split), { recursive: true });
    const writer = await createHdf5Writer(join(staging, split, `${stem}.h5`), { ...attrs, split });
    writers.set(split, writer);
    const count = counts.get(split)!;
    writer.createDataset({ name: "fields", dtype: "float32", shape: [count, 3, n, n] });
    if (lrSize > 0) writer.createDataset({ name: "LR_fields", dtype: "float32", shape: [count, 3, lrSize, lrSize] });
    writer.createDataset({ name: "time", dtype: "float64", shape: [count] });
    const file: TrajectoryFile = {
      split,
      path: `${split}/${stem}.h5`,
      times: [],
      sha256: "",
      valueSha256: [],
      dataSha256: {},
      bytes: 0,
    };
    if (lrSize > 0) file.lrValueSha256 = [];
    files.set(split, file);
    hashes.set(split, new Map(datasets.map((d) => [d, createSha256()])));
    statistics[split] = emptyStatistics(n);
  }
  return {
    statistics,
    write(split, time, values, lrValues, spectrum) {
      const file = files.get(split)!;
      const writer = writers.get(split)!;
      const h = hashes.get(split)!;
      const local = file.times.length;
      writer.writeSlab("fields", local, values);
      h.get("fields")!.update(values);
      file.valueSha256.push(valueSha256(values));
      addSnapshot(statistics[split]!, values, spectrum);
      if (lrValues !== undefined) {
        writer.writeSlab("LR_fields", local, lrValues);
        h.get("LR_fields")!.update(lrValues);
        file.lrValueSha256?.push(valueSha256(lrValues));
      }
      const timeData = Float64Array.of(time);
      writer.writeSlab("time", local, timeData);
      h.get("time")!.update(timeData);
      file.times.push(time);
    },
    async finish(stagingRoot, root) {
      for (const writer of writers.values()) await writer.close();
      writers.clear();
      const out: TrajectoryFile[] = [];
      for (const split of splits) {
        const file = files.get(split)!;
        const from = join(stagingRoot, file.path);
        for (const [name, h] of hashes.get(split)!) file.dataSha256[name] = h.digest();
        file.sha256 = await sha256File(from);
        file.bytes = (await stat(from)).size;
        await mkdir(join(root, split), { recursive: true });
        await rename(from, join(root, file.path));
        out.push(file);
      }
      return out;
    },
    async abort() {
      for (const writer of writers.values()) await writer.abort().catch(() => {});
      writers.clear();
    },
  };
}

function interrupted(stem: string): FieldbenchError {
  return new FieldbenchError("WORK_FAILED", `interrupted while generating ${stem}`);
}

/** One snapshot as float32 [3, n, n] (u, v, w). */
export function packSnapshot(s: NsktSnapshot): Float32Array {
  const n2 = s.u.length;
  const out = new Float32Array(3 * n2);
  out.set(s.u, 0);
  out.set(s.v, n2);
  out.set(s.w, 2 * n2);
  return out;
}

async function spectrumOf(stepper: Stepper, member: number, n: number): Promise<Float64Array> {
  const { re, im } = await stepper.spectrum(member);
  return energySpectrum(re, im, n);
}

export function emptyStatistics(n: number): SplitStatistics {
  return {
    snapshots: 0,
    pixels: n * n,
    sum: CHANNELS.map(() => 0),
    sumSquares: CHANNELS.map(() => 0),
    spectrum: Array.from({ length: n / 2 + 1 }, () => 0),
  };
}

function addSnapshot(s: SplitStatistics, values: Float32Array, spectrum: Float64Array): void {
  const n2 = s.pixels;
  for (let c = 0; c < CHANNELS.length; c++) {
    let sum = 0;
    let squares = 0;
    for (let o = c * n2; o < (c + 1) * n2; o++) {
      const x = values[o]!;
      sum += x;
      squares += x * x;
    }
    s.sum[c]! += sum;
    s.sumSquares[c]! += squares;
  }
  for (let k = 0; k < s.spectrum.length; k++) s.spectrum[k]! += spectrum[k]!;
  s.snapshots++;
}

/** a + b, for statistics of the same split from different trajectories or shards. */
export function addStatistics(a: SplitStatistics, b: SplitStatistics): SplitStatistics {
  if (a.pixels !== b.pixels || a.spectrum.length !== b.spectrum.length) {
    throw new FieldbenchError("SHAPE_MISMATCH", `statistics of ${a.pixels} and ${b.pixels} grid points do not add`);
  }
  return {
    snapshots: a.snapshots + b.snapshots,
    pixels: a.pixels,
    sum: a.sum.map((x, c) => x + b.sum[c]!),
    sumSquares: a.sumSquares.map((x, c) => x + b.sumSquares[c]!),
    spectrum: a.spectrum.map((x, k) => x + b.spectrum[k]!),
  };
}

/** Channel means and (population) standard deviations, and the mean spectrum, of summed statistics. */
export function finalizeStatistics(s: SplitStatistics): { mean: number[]; std: number[]; spectrum: number[] } {
  const count = s.snapshots * s.pixels;
  const mean = s.sum.map((x) => x / count);
  const std = s.sumSquares.map((x, c) => Math.sqrt(Math.max(0, x / count - mean[c]! ** 2)));
  return { mean, std, spectrum: s.spectrum.map((x) => x / s.snapshots) };
}
