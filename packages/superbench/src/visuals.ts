import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { FieldbenchError } from "@fieldbench/core";
import { type SampleVisuals, type SuperbenchResult, writeFileAtomic } from "@fieldbench/leaderboard";
import { energySpectrum } from "@fieldbench/metrics";
import { createModel, modelNames } from "@fieldbench/models";
import { type DatasetSpec, getDataset } from "./datasets.js";
import { makeLowRes, predictSnapshot } from "./evaluate.js";
import { openSplit } from "./reader.js";
import { embeddedDataRoot } from "./run.js";
import { resolveTask } from "./tasks.js";

/**
 * A page's sample from one snapshot: channel 0 as HR, LR and prediction, and the (u, v) energy spectra of truth and
 * prediction. `lrShape` is [C, h, w].
 */
export async function visualsFromSnapshot(
  spec: DatasetSpec,
  hr: Float32Array,
  lr: Float32Array,
  lrShape: readonly number[],
  pred: Float32Array,
): Promise<SampleVisuals> {
  const [h, w] = spec.hr;
  const [, lh, lw] = lrShape as [number, number, number];
  const plane = h * w;
  const spectrum =
    spec.channels.length >= 2
      ? {
          truth: await energySpectrum(hr.subarray(0, plane), hr.subarray(plane, 2 * plane), h, w),
          prediction: await energySpectrum(pred.subarray(0, plane), pred.subarray(plane, 2 * plane), h, w),
        }
      : { truth: new Float64Array(0), prediction: new Float64Array(0) };
  return {
    caption: `test_1 snapshot 0, channel ${spec.channels[0]?.name ?? "0"}`,
    hr: { data: hr.slice(0, plane), height: h, width: w },
    lr: { data: lr.slice(0, lh * lw), height: lh, width: lw },
    prediction: { data: pred.slice(0, plane), height: h, width: w },
    spectrum,
  };
}

/**
 * The sample a leaderboard page or report shows for a result whose model is a built-in one: re-run on test_1
 * snapshot 0 of the dataset (the embedded copy unless `data` is given). `model.name` in a result file is data: it is
 * looked up in the registry only, never as a folder (a folder would be code named by a data file). A package's
 * sample comes from its sandboxed `ci-score` run instead (`--sample`, readSampleFile). Returns undefined when the
 * data is not here or the name is not a built-in model (the page then shows numbers only).
 */
export async function sampleVisuals(
  result: SuperbenchResult,
  options: { model?: string; data?: string } = {},
): Promise<SampleVisuals | undefined> {
  const name = options.model ?? result.model.name;
  if (!modelNames().includes(name)) return undefined;
  let spec: DatasetSpec;
  let task: ReturnType<typeof resolveTask>;
  try {
    spec = getDataset(result.dataset.key);
    task = resolveTask(result.task.name, spec);
  } catch {
    return undefined; // a dataset or task this build does not know: numbers only
  }
  const root = options.data ?? embeddedDataRoot(result.dataset.key);
  if (!existsSync(root)) return undefined;
  let model: Awaited<ReturnType<typeof createModel>>;
  try {
    model = await createModel(name, {
      channels: spec.channels.length,
      scale: task.scale,
      normalization: { mean: spec.mean, std: spec.std },
    });
  } catch {
    return undefined;
  }
  const reader = await openSplit(root, "test_1", spec, { needLr: task.degradation === "lrsim" });
  try {
    const hr = await reader.readHr(0);
    const lrIn = task.degradation === "lrsim" ? await reader.readLr(0) : undefined;
    const { lr, shape } = makeLowRes({ spec, task, split: "test_1", index: 0, hr, ...(lrIn ? { lr: lrIn } : {}) });
    const pred = await predictSnapshot(model, lr, shape, task.scale);
    return visualsFromSnapshot(spec, hr, lr, shape, pred);
  } finally {
    await reader.close();
    await model.dispose?.();
  }
}

/** Largest side of a field in a sample file (the biggest SuperBench grid is 2048). */
const MAX_SAMPLE_SIDE = 4096;

function encodeField(f: SampleVisuals["hr"]) {
  return { height: f.height, width: f.width, float32: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString("base64") };
}

/** Writes a sample as JSON (fields as base64 float32): `ci-score --sample`, read back by `report --sample`. */
export async function writeSampleFile(path: string, visuals: SampleVisuals): Promise<void> {
  const file = {
    caption: visuals.caption,
    hr: encodeField(visuals.hr),
    lr: encodeField(visuals.lr),
    prediction: encodeField(visuals.prediction),
    spectrum: { truth: Array.from(visuals.spectrum.truth), prediction: Array.from(visuals.spectrum.prediction) },
  };
  await writeFileAtomic(path, `${JSON.stringify(file)}\n`);
}

function decodeField(path: string, name: string, value: unknown): SampleVisuals["hr"] {
  const v = value as { height?: unknown; width?: unknown; float32?: unknown } | undefined;
  const ok = (n: unknown) => Number.isInteger(n) && (n as number) > 0 && (n as number) <= MAX_SAMPLE_SIDE;
  if (!ok(v?.height) || !ok(v?.width) || typeof v?.float32 !== "string")
    throw new FieldbenchError("SCHEMA_INVALID", `${path}: ${name} needs height, width (1..${MAX_SAMPLE_SIDE}) and float32`, { path });
  const bytes = Buffer.from(v.float32, "base64");
  const height = v.height as number;
  const width = v.width as number;
  if (bytes.length !== height * width * 4)
    throw new FieldbenchError("SCHEMA_INVALID", `${path}: ${name} holds ${bytes.length} bytes for ${height}x${width} float32`, { path });
  const data = new Float32Array(height * width);
  new Uint8Array(data.buffer).set(bytes);
  return { data, height, width };
}

/** Reads a sample file (numbers only: nothing in it is run), checking every size before decoding. */
export async function readSampleFile(path: string): Promise<SampleVisuals> {
  let value: { caption?: unknown; hr?: unknown; lr?: unknown; prediction?: unknown; spectrum?: { truth?: unknown; prediction?: unknown } };
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (cause) {
    throw new FieldbenchError("FILE_NOT_FOUND", `${path}: cannot read the sample as JSON`, { path, cause });
  }
  const series = (s: unknown) =>
    Array.isArray(s) && s.length <= MAX_SAMPLE_SIDE && s.every((x) => typeof x === "number") ? Float64Array.from(s) : undefined;
  const truth = series(value?.spectrum?.truth);
  const prediction = series(value?.spectrum?.prediction);
  if (typeof value?.caption !== "string" || truth === undefined || prediction === undefined)
    throw new FieldbenchError("SCHEMA_INVALID", `${path}: a sample needs a caption and spectrum {truth, prediction}`, { path });
  return {
    caption: value.caption.slice(0, 200),
    hr: decodeField(path, "hr", value.hr),
    lr: decodeField(path, "lr", value.lr),
    prediction: decodeField(path, "prediction", value.prediction),
    spectrum: { truth, prediction },
  };
}
