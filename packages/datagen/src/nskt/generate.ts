import { rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FieldbenchError, checkAllocation } from "@fieldbench/core";
import { type CardDataset, cardDataset } from "./card.js";
import { DEFAULT_CFL, DEFAULT_K0, type NsktParams, validateParams } from "./params.js";
import type { NsktBackendName } from "./solver.js";
import { SPLITS, type SplitName, assignSplits } from "./splits.js";
import {
  type GenerationProgress,
  type TrajectoryFile,
  type TrajectoryRecord,
  runTrajectory,
  stepProgress,
} from "./trajectory.js";

export const GENERATOR_VERSION = "nskt-1.0.0 (@fieldbench/datagen 0.1.0; pseudo-spectral, SSP-RK3, 2/3 rule)";

export interface GenerateNsktOptions {
  /** Output directory; split folders and the card are created inside it. */
  out: string;
  re: number;
  /** HR grid size (power of two). */
  size: number;
  /** Total snapshots over all splits (>= MIN_SNAPSHOTS). */
  snapshots: number;
  seed: number;
  backend?: NsktBackendName;
  k0?: number;
  cfl?: number;
  /** Fixed time step instead of the CFL rule (both grids). */
  dt?: number;
  /** Simulated time before the first snapshot (spin-up). */
  tStart?: number;
  /** Simulated time between snapshots. */
  interval?: number;
  /** LR-sim factor: `LR_fields` from the same initial condition on a size/lrFactor grid; 0 disables. */
  lrFactor?: number;
  forcing?: NsktParams["forcing"];
  /** Called after every snapshot (done of total) and, with step info, while stepping. */
  onProgress?: (done: number, total: number, status: string) => void;
  /** Called at every HR step from the first one (spin-up included), with ETAs. */
  onStep?: (progress: GenerationProgress) => void;
}

/** A written file: its sha256, the values' sha256 per dataset and per snapshot (identical when rerun). */
export interface GeneratedFile extends TrajectoryFile {
  snapshots: number;
}

export interface NsktCard {
  name: string;
  generator: string;
  parameters: Record<string, unknown>;
  layout: string;
  axisConvention: string;
  splits: Record<SplitName, { snapshots: number; times: number[] }>;
  files: GeneratedFile[];
  /** Size, channels, z-score constants (train split) and value checksum: what `run superbench --data` reads. */
  dataset: CardDataset;
  steps: { hr: number; lr: number };
  wallSeconds: number;
  msPerStep: number;
  created: string;
  regenerate: string;
}

export const DEFAULT_T_START = 1;
export const DEFAULT_INTERVAL = 0.1;

/**
 * Generates a SuperBench-layout NSKT dataset: for each split a file `<split>/nskt_re<Re>_n<size>_seed<S>.h5`
 * holding `fields` [N, 3, H, W] float32 (u, v, w) and, unless lrFactor is 0, `LR_fields` [N, 3, H/f, W/f] from
 * the same initial condition run on the coarser grid; plus `time` [N]. Writes card.json and CARD.md next to them.
 * Files are written to temporary names and renamed into place, and the directory appears only when complete.
 */
export async function generateNskt(options: GenerateNsktOptions): Promise<NsktCard> {
  const o = normalize(options);
  const splits = assignSplits(o.snapshots);
  const lrSize = o.lrFactor > 0 ? o.size / o.lrFactor : 0;
  const hrParams = validateParams({
    n: o.size,
    re: o.re,
    seed: o.seed,
    k0: o.k0,
    cfl: o.cfl,
    ...(o.dt === undefined ? {} : { dt: o.dt }),
    ...(o.forcing === undefined ? {} : { forcing: o.forcing }),
  });
  if (o.lrFactor > 0 && (!Number.isInteger(lrSize) || lrSize < 16)) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `size ${o.size} / lr factor ${o.lrFactor} must be a whole grid of at least 16`,
    );
  }
  checkAllocation(o.size * o.size * 3, 4, `one ${o.size}x${o.size} snapshot`);
  const started = performance.now();
  const staging = `${o.out}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const name = `nskt_re${o.re}_n${o.size}_seed${o.seed}`;
  const snapshots = splits.map((split, k) => ({ split, time: o.tStart + k * o.interval }));
  let record: TrajectoryRecord;
  try {
    record = await runTrajectory({
      params: hrParams,
      lrSize,
      backend: o.backend,
      snapshots,
      root: staging,
      stem: name,
      attrs: {
        title: `2-D decaying Kraichnan turbulence, Re ${o.re}, ${o.size}^2`,
        generator: GENERATOR_VERSION,
        Re: o.re,
        seed: o.seed,
        k0: o.k0,
        channels: "u, v, w",
        axis_convention: AXIS_CONVENTION,
      },
      onStep: (step) => {
        o.onProgress?.(step.snapshotsDone, splits.length, `t ${step.time.toFixed(4)} dt ${step.dt.toExponential(2)}`);
        const rate = step.time / ((performance.now() - started) / 1000);
        o.onStep?.(stepProgress(step, { seed: o.seed, ordinal: 1, trajectories: 1 }, rate, step.endTime));
      },
    });
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  o.onProgress?.(splits.length, splits.length, `${record.steps.hr} steps`);
  const files: GeneratedFile[] = record.files.map((f) => ({ ...f, snapshots: f.times.length }));
  const counts = new Map<SplitName, number>(SPLITS.map((s) => [s, splits.filter((x) => x === s).length]));
  const times = new Map<SplitName, number[]>(SPLITS.map((s) => [s, files.find((f) => f.split === s)?.times ?? []]));
  const wallSeconds = (performance.now() - started) / 1000;
  const card: NsktCard = {
    name: `nskt_re${o.re}_n${o.size}_seed${o.seed}`,
    generator: GENERATOR_VERSION,
    parameters: {
      re: o.re,
      nu: 1 / o.re,
      size: o.size,
      lrSize: lrSize === 0 ? null : lrSize,
      lrFactor: o.lrFactor,
      snapshots: o.snapshots,
      seed: o.seed,
      k0: o.k0,
      cfl: o.cfl,
      dt: o.dt ?? null,
      tStart: o.tStart,
      interval: o.interval,
      backend: o.backend,
      forcing: o.forcing ?? null,
      scheme:
        "vorticity-streamfunction pseudo-spectral on [0, 2pi]^2, 2/3-rule dealiasing, SSP-RK3, dt = min(cfl dx / max(|u|+|v|), 2 / (nu kmax^2))",
      initialCondition:
        "San & Staples (2012): E(k) = 4 k0^-5 / (3 sqrt(pi)) k^4 exp(-(k/k0)^2), random phases, energy 1/2",
    },
    layout: "SuperBench: <split>/<name>.h5 with fields [N,3,H,W] float32 (u, v, w), LR_fields [N,3,H/f,W/f], time [N]",
    axisConvention: AXIS_CONVENTION,
    splits: Object.fromEntries(
      SPLITS.map((s) => [s, { snapshots: counts.get(s) ?? 0, times: times.get(s) ?? [] }]),
    ) as NsktCard["splits"],
    files,
    dataset: cardDataset({
      key: name,
      version: "1",
      title: `fieldbench NSKT Re ${o.re}, ${o.size}^2, seed ${o.seed} (one trajectory)`,
      size: o.size,
      lrFactor: o.lrFactor,
      train: record.statistics.train,
      files,
    }),
    steps: record.steps,
    wallSeconds,
    msPerStep: record.steps.hr > 0 ? (1000 * record.stepSeconds) / record.steps.hr : 0,
    created: new Date().toISOString(),
    regenerate: `fieldbench datasets generate nskt --re ${o.re} --size ${o.size} --snapshots ${o.snapshots} --seed ${o.seed} --k0 ${o.k0} --cfl ${o.cfl} --t-start ${o.tStart} --interval ${o.interval} --lr-factor ${o.lrFactor} --backend ${o.backend}${o.dt === undefined ? "" : ` --dt ${o.dt}`}${o.forcing === undefined ? "" : ` --forcing ${o.forcing.k},${o.forcing.amplitude},${o.forcing.drag}`}`,
  };
  await writeFile(join(staging, "card.json"), `${JSON.stringify(card, null, 2)}\n`);
  await writeFile(join(staging, "CARD.md"), renderCard(card));
  await rm(o.out, { recursive: true, force: true });
  await rename(staging, o.out);
  return card;
}

export const AXIS_CONVENTION =
  "f[i, j] = f(x_i, y_j): x = 2 pi i / n along rows (axis -2), y = 2 pi j / n along columns (axis -1); u = dpsi/dy, v = -dpsi/dx, w = dv/dx - du/dy (SuperBench divergence: du/dx along rows, dv/dy along columns)";

function normalize(o: GenerateNsktOptions) {
  return {
    ...o,
    backend: o.backend ?? "cpu",
    k0: o.k0 ?? DEFAULT_K0,
    cfl: o.cfl ?? DEFAULT_CFL,
    tStart: positiveOrZero(o.tStart ?? DEFAULT_T_START, "t-start"),
    interval: positive(o.interval ?? DEFAULT_INTERVAL, "interval"),
    lrFactor: o.lrFactor ?? 4,
  };
}

function positive(v: number, what: string): number {
  if (!(Number.isFinite(v) && v > 0)) throw new FieldbenchError("INVALID_VALUE", `${what} must be > 0, got ${v}`);
  return v;
}

function positiveOrZero(v: number, what: string): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new FieldbenchError("INVALID_VALUE", `${what} must be >= 0, got ${v}`);
  return v;
}

function renderCard(c: NsktCard): string {
  const rows = c.files
    .map(
      (f) => `| ${f.split} | ${f.path} | ${f.snapshots} | ${f.bytes} | \`${f.sha256}\` | \`${f.dataSha256.fields}\` |`,
    )
    .join("\n");
  return `# ${c.name}

2-D decaying Kraichnan turbulence generated by fieldbench (${c.generator}).

- Parameters: \`${JSON.stringify(c.parameters)}\`
- Layout: ${c.layout}
- Axes: ${c.axisConvention}
- Steps: ${c.steps.hr} (HR), ${c.steps.lr} (LR); ${c.msPerStep.toFixed(2)} ms per HR step; wall time ${c.wallSeconds.toFixed(1)} s
- Created: ${c.created}
- Regenerate: \`${c.regenerate}\`

File sha256 covers the bytes (HDF5 stores modification times, so it differs between runs); the values' sha256
(\`fields\` shown here; \`LR_fields\` and \`time\` in card.json) is identical whenever the command is rerun.

| split | file | snapshots | bytes | sha256 (file) | sha256 (fields values) |
| --- | --- | --- | --- | --- | --- |
${rows}
`;
}
