import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  FieldbenchError,
  createProgress,
  deriveSeed,
  sha256Bytes,
  type ProgressMode,
  writeFileAtomic,
} from "@fieldbench/core";
import { valueSha256 } from "@fieldbench/datagen";
import { aggregateScores, type SnapshotScore } from "@fieldbench/metrics";
import { createModel } from "@fieldbench/models";
import { parseResult, type SuperbenchResult } from "@fieldbench/leaderboard";
import { DEFAULT_DATASET, type DatasetSpec, TEST_SPLITS, type TestSplit, getDataset } from "./datasets.js";
import { type DataCard, expectedValueChecksums, readDataCard, specFromCard } from "./data-card.js";
import { type MetricMode, evaluateSnapshot, predictFor } from "./evaluate.js";
import { type PredictionSink, openPredictionSink } from "./predictions.js";
import { type SplitReader, checksumSplits, openSplit } from "./reader.js";
import { SPEC_VERSION, describeHardware, harnessVersion, runIdentity, splitResult } from "./results.js";
import { loadSidecar, openSidecar, removeSidecar, sidecarPath, type SnapshotRecord } from "./sidecar.js";
import { formatResultTable } from "./table.js";
import { DEFAULT_TASK, resolveTask } from "./tasks.js";

export const DEFAULT_MODEL = "bicubic";

export interface RunOptions {
  readonly dataset?: string;
  readonly task?: string;
  readonly model?: string;
  /** SuperBench root folder (train/ valid_1/ valid_2/ test_1/ test_2/); the embedded sample when omitted. */
  readonly data?: string;
  /** First N snapshots of each test split. */
  readonly limit?: number;
  /** Keep snapshots whose index % count === index. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Result file; default fieldbench-results/<dataset>.<task>.<model>.json under cwd. */
  readonly out?: string;
  readonly mode?: MetricMode;
  readonly cwd?: string;
  /** Progress goes here (stderr in the CLI). */
  readonly progressStream?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly progressMode?: ProgressMode;
  /** Folder for the predicted fields: <dir>/<split>.h5 with predictions [N, C, H, W] and index [N]. */
  readonly savePredictions?: string;
  /** Stop after this many newly scored snapshots (tests use it to simulate an interruption). */
  readonly stopAfter?: number;
}

export interface RunOutcome {
  readonly result: SuperbenchResult;
  readonly table: string;
  readonly outPath: string;
  /** Snapshots taken from the resume sidecar instead of recomputed. */
  readonly resumed: number;
  readonly computed: number;
}

/** Where the embedded sample of `key` lives in a checkout (datasets/embedded/<key>). */
export function embeddedDataRoot(key: string): string {
  return fileURLToPath(new URL(`../../../datasets/embedded/${key}`, import.meta.url));
}

/** The dataset folder: --data resolved against cwd, or the embedded sample of `spec` when there is one. */
export function resolveDataRoot(spec: DatasetSpec | undefined, data: string | undefined, cwd: string): string {
  if (data !== undefined) {
    const root = resolve(cwd, data);
    if (!existsSync(root))
      throw new FieldbenchError(
        "FILE_NOT_FOUND",
        `${root}: no such folder (--data names a SuperBench dataset folder)`,
        { path: root },
      );
    return root;
  }
  if (spec === undefined) throw new FieldbenchError("INTERNAL", "no dataset to find the embedded copy of");
  const embedded = embeddedDataRoot(spec.key);
  if (!existsSync(embedded)) {
    throw new FieldbenchError(
      "BAD_USAGE",
      `dataset ${spec.key} is not shipped with fieldbench: pass --data DIR, a downloaded SuperBench folder (train/ valid_1/ valid_2/ test_1/ test_2/)`,
    );
  }
  return embedded;
}

function selectIndices(length: number, limit: number | undefined, shard: RunOptions["shard"]): number[] {
  const n = limit === undefined ? length : Math.min(limit, length);
  const all = Array.from({ length: n }, (_, i) => i);
  return shard === undefined ? all : all.filter((i) => i % shard.count === shard.index);
}

/**
 * `fieldbench run superbench`: evaluates one model on test_1 and test_2 of one dataset and task, one snapshot at a
 * time, recording each finished snapshot in a sidecar so an interrupted run resumes where it stopped, then writes
 * the schema-validated result file atomically and returns it with a summary table.
 */
export async function runSuperbench(options: RunOptions = {}): Promise<RunOutcome> {
  const started = Date.now();
  const cwd = options.cwd ?? process.cwd();
  const card =
    options.data === undefined ? undefined : await readDataCard(resolveDataRoot(undefined, options.data, cwd));
  // A generated folder whose card states its grid and constants scores as itself, registered or not.
  const spec =
    options.dataset === undefined && card !== undefined
      ? specFromCard(card)
      : getDataset(options.dataset ?? DEFAULT_DATASET);
  const task = resolveTask(options.task ?? DEFAULT_TASK, spec);
  const mode = options.mode ?? "default";
  const model = await createModel(options.model ?? DEFAULT_MODEL, {
    channels: spec.channels.length,
    scale: task.scale,
    normalization: { mean: spec.mean, std: spec.std },
  });
  const root = resolveDataRoot(spec, options.data, cwd);
  const outPath = resolve(
    cwd,
    options.out ?? join("fieldbench-results", `${spec.key}.${task.name}.${model.name}.json`),
  );

  const readers: SplitReader[] = [];
  const sinks = new Map<string, PredictionSink>();
  try {
    for (const split of TEST_SPLITS)
      readers.push(await openSplit(root, split, spec, { needLr: task.degradation === "lrsim" }));
    const checksum = await checksumSplits(root, TEST_SPLITS);
    const expectedValues = card === undefined ? undefined : valueChecksumsFor(card, readers);
    const plan = readers.map((r) => ({ reader: r, indices: selectIndices(r.length, options.limit, options.shard) }));
    const runKey = sha256Bytes(
      JSON.stringify({
        SPEC_VERSION,
        checksum,
        key: spec.key,
        task,
        model: [model.name, model.integrity],
        mode,
        limit: options.limit,
        shard: options.shard,
      }),
    );
    const sidecar = sidecarPath(outPath);
    await mkdir(dirname(outPath), { recursive: true });
    const previous = loadSidecar(sidecar, runKey);
    const done = new Map(previous.map((r) => [`${r.split}/${r.index}`, r]));
    const append = openSidecar(sidecar, runKey, previous);
    const total = plan.reduce((n, p) => n + p.indices.length, 0);
    const progress = createProgress({
      label: `superbench ${spec.key} ${task.name} ${model.name}`,
      total,
      ...(options.progressStream === undefined ? {} : { stream: options.progressStream }),
      ...(options.progressMode === undefined ? {} : { mode: options.progressMode }),
    });
    if (options.savePredictions !== undefined) {
      const dir = resolve(cwd, options.savePredictions);
      for (const { reader, indices } of plan) {
        if (indices.length === 0) continue;
        const attrs = { dataset: spec.key, task: task.name, model: `${model.name}@${model.version}`, mode };
        const shape = [spec.channels.length, ...spec.hr] as [number, number, number];
        sinks.set(reader.split, await openPredictionSink({ dir, split: reader.split, indices, shape, attrs }));
      }
    }
    let computed = 0;
    let resumed = 0;
    for (const { reader, indices } of plan) {
      const sink = sinks.get(reader.split);
      for (const [k, index] of indices.entries()) {
        const key = `${reader.split}/${index}`;
        if (done.has(key)) {
          // The sidecar keeps scores, not fields: a resumed snapshot is predicted again only to be saved.
          if (sink !== undefined) {
            const input = { spec, task, split: reader.split as TestSplit, index, hr: await reader.readHr(index) };
            const lr = task.degradation === "lrsim" ? await reader.readLr(index) : undefined;
            sink.write(k, await predictFor(model, { ...input, ...(lr ? { lr } : {}) }));
          }
          resumed++;
          progress.tick(1, `${key} (resumed)`);
          continue;
        }
        if (options.stopAfter !== undefined && computed >= options.stopAfter) {
          throw new FieldbenchError("WORK_FAILED", `stopped after ${computed} snapshots (resume by running again)`);
        }
        const t0 = Date.now();
        const hr = await reader.readHr(index);
        checkValues(expectedValues, reader, index, hr);
        const lr = task.degradation === "lrsim" ? await reader.readLr(index) : undefined;
        const score = await evaluateSnapshot(
          model,
          { spec, task, split: reader.split as TestSplit, index, hr, ...(lr ? { lr } : {}) },
          mode,
          sink === undefined ? undefined : (pred) => sink.write(k, pred),
        );
        const record: SnapshotRecord = { split: reader.split, index, seconds: (Date.now() - t0) / 1000, score };
        append(record);
        done.set(key, record);
        computed++;
        const rfne = score.perChannel.reduce((s, r) => s + (r["rfne"] ?? 0), 0) / score.perChannel.length;
        progress.tick(1, `${key} rfne ${rfne.toFixed(4)} ${record.seconds.toFixed(1)}s`);
      }
    }
    progress.done();
    for (const [split, sink] of sinks) {
      sinks.delete(split);
      await sink.close();
    }

    const splits = {} as SuperbenchResult["splits"];
    for (const { reader, indices } of plan) {
      const scored = indices.map((index) => ({
        index,
        score: done.get(`${reader.split}/${index}`)!.score as SnapshotScore,
      }));
      const aggregate = aggregateScores(
        scored.map((s) => s.score),
        { seed: deriveSeed("superbench-bootstrap", spec.key, reader.split) },
      );
      splits[reader.split as TestSplit] = splitResult(aggregate, scored);
    }
    const previousSeconds = previous.reduce((s, r) => s + r.seconds, 0);
    const identity = runIdentity(spec, task, mode, checksum);
    const result: SuperbenchResult = {
      ...identity,
      // A generated dataset whose card lists value checksums: the values scored are the card's, so record its.
      dataset: {
        ...identity.dataset,
        ...(expectedValues === undefined ? {} : { valueChecksum: card!.dataset.testValueSha256 }),
      },
      model: { name: model.name, version: model.version, integrity: model.integrity, parameters: model.parameters },
      splits,
      ...(options.limit === undefined && options.shard === undefined
        ? {}
        : {
            subset: {
              ...(options.limit === undefined ? {} : { limit: options.limit }),
              ...(options.shard === undefined ? {} : { shard: options.shard }),
            },
          }),
      hardware: describeHardware(),
      harness: { name: "fieldbench", version: harnessVersion(), node: process.version },
      wallTimeSeconds: (Date.now() - started) / 1000 + previousSeconds,
      date: new Date().toISOString(),
    };
    const checked = parseResult(result);
    if (!checked.ok) throw new FieldbenchError("INTERNAL", `result does not match its schema: ${checked.error}`);
    await writeFileAtomic(outPath, `${JSON.stringify(result, null, 2)}\n`);
    removeSidecar(sidecar);
    await model.dispose?.();
    return { result, table: formatResultTable(result), outPath, resumed, computed };
  } finally {
    // Sinks still open here belong to a failed run: their temporary files are deleted, nothing is published.
    for (const sink of sinks.values()) await sink.abort();
    await Promise.all(readers.map((r) => r.close()));
  }
}

/**
 * The card's value checksums per test split, when it lists them for every snapshot the folder holds: a result on
 * such a dataset records the card's test value checksum, and each scored snapshot is checked against it.
 */
function valueChecksumsFor(card: DataCard, readers: readonly SplitReader[]): Map<string, string[]> | undefined {
  const out = new Map<string, string[]>();
  for (const reader of readers) {
    const expected = expectedValueChecksums(card, reader.split);
    if (expected.length === 0) return undefined;
    if (expected.length !== reader.length) {
      throw new FieldbenchError(
        "SHAPE_MISMATCH",
        `${reader.dir}: ${reader.length} snapshots, but ${card.path} lists ${expected.length}`,
        { path: reader.dir },
      );
    }
    out.set(reader.split, expected);
  }
  return out;
}

function checkValues(
  expected: Map<string, string[]> | undefined,
  reader: SplitReader,
  index: number,
  hr: Float32Array,
) {
  const want = expected?.get(reader.split)?.[index];
  if (want === undefined) return;
  const got = valueSha256(hr);
  if (got !== want) {
    throw new FieldbenchError(
      "CORRUPT_FILE",
      `${reader.split} snapshot ${index}: values differ from the card (sha256 ${got.slice(0, 12)}..., card ${want.slice(0, 12)}...); run fieldbench datasets verify`,
      { path: reader.dir },
    );
  }
}
