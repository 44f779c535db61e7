import { existsSync } from "node:fs";
import type { SampleVisuals, SuperbenchResult } from "@fieldbench/leaderboard";
import { energySpectrum } from "@fieldbench/metrics";
import { createModel } from "@fieldbench/models";
import { getDataset } from "./datasets.js";
import { makeLowRes, predictSnapshot } from "./evaluate.js";
import { openSplit } from "./reader.js";
import { embeddedDataRoot } from "./run.js";
import { resolveTask } from "./tasks.js";

/**
 * The sample a leaderboard page or report shows for a result: its model re-run on test_1 snapshot 0 of the dataset
 * (the embedded copy unless `data` is given), channel 0 as HR, LR and prediction, and the (u, v) energy spectra of
 * truth and prediction. `model` overrides the result's model name (a package folder for `fieldbench report`).
 * Returns undefined when the data or the model is not available here (the page then shows numbers only).
 */
export async function sampleVisuals(
  result: SuperbenchResult,
  options: { model?: string; data?: string } = {},
): Promise<SampleVisuals | undefined> {
  const root = options.data ?? embeddedDataRoot(result.dataset.key);
  if (!existsSync(root)) return undefined;
  const spec = getDataset(result.dataset.key);
  const task = resolveTask(result.task.name, spec);
  let model: Awaited<ReturnType<typeof createModel>>;
  try {
    model = await createModel(options.model ?? result.model.name, {
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
    const [h, w] = spec.hr;
    const [, lh, lw] = shape;
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
  } finally {
    await reader.close();
    await model.dispose?.();
  }
}
