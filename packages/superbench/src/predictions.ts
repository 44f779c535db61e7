import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { FieldbenchError } from "@fieldbench/core";
import { type Hdf5Writer, createHdf5Writer } from "@fieldbench/formats";

/**
 * `run superbench --save-predictions DIR`: one HDF5 file per test split, `<DIR>/<split>.h5`, holding
 * `predictions` [N, C, H, W] float32 (raw units, as the model returned them) and `index` [N] int32, the snapshot
 * index in the split of each row, so h5py/xarray users can line them up with `fields` of the split's files.
 * Each file is written under a temporary name and renamed when complete: an interrupted run leaves none.
 */
export interface PredictionSink {
  /** Writes the prediction of the k-th selected snapshot. */
  write(k: number, pred: Float32Array): void;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export interface PredictionFileInfo {
  readonly dir: string;
  readonly split: string;
  readonly indices: readonly number[];
  /** [C, H, W] of one prediction. */
  readonly shape: readonly [number, number, number];
  readonly attrs: Readonly<Record<string, string | number>>;
}

export function predictionPath(dir: string, split: string): string {
  return join(dir, `${split}.h5`);
}

export async function openPredictionSink(info: PredictionFileInfo): Promise<PredictionSink> {
  try {
    await mkdir(info.dir, { recursive: true });
  } catch (cause) {
    throw new FieldbenchError("FILE_NOT_FOUND", `--save-predictions ${info.dir}: cannot create the folder`, {
      path: info.dir,
      cause,
    });
  }
  const writer: Hdf5Writer = await createHdf5Writer(predictionPath(info.dir, info.split), {
    ...info.attrs,
    split: info.split,
  });
  const n = info.indices.length;
  writer.createDataset({ name: "predictions", dtype: "float32", shape: [n, ...info.shape] });
  writer.createDataset({ name: "index", dtype: "int32", shape: [n] });
  writer.writeSlab("index", 0, Int32Array.from(info.indices));
  return {
    write: (k, pred) => writer.writeSlab("predictions", k, pred),
    close: () => writer.close(),
    abort: () => writer.abort(),
  };
}
