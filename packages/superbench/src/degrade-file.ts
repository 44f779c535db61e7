import { basename, dirname } from "node:path";
import { FieldbenchError, deriveSeed } from "@fieldbench/core";
import { createHdf5Writer, openFile, writeNpy } from "@fieldbench/formats";
import { SPLITS, getDataset } from "./datasets.js";
import { type DegradeMethod, degrade, degradedShape, isDegradeMethod, DEGRADE_METHODS } from "./degrade/index.js";

/**
 * `fieldbench degrade`: reads HR fields ([C, H, W] or [N, C, H, W]) from .npy or HDF5 (`file.h5:dataset`, default
 * dataset `fields`), degrades one snapshot at a time and writes LR as .npy (whole array) or HDF5 (streamed; default
 * dataset `LR_fields`). ERA5's stored 721st row is dropped when --dataset era5 is given. noisy-uniform needs the
 * dataset (its channel std) and freezes the noise with deriveSeed(dataset, split, index).
 */
export interface DegradeFileOptions {
  readonly input: string;
  readonly output: string;
  readonly method: string;
  readonly scale: number;
  readonly dataset?: string;
  /** noisy-uniform noise ratio (0.05 or 0.10 in SuperBench). */
  readonly ratio?: number;
  /** Split name for the noise seed; default: the input's parent folder when it is a SuperBench split. */
  readonly split?: string;
}

export interface DegradeFileResult {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly method: DegradeMethod;
  readonly output: string;
}

/** Splits `file.h5:name` into path and dataset name (a Windows drive letter is not a dataset). */
function splitTarget(target: string, fallback: string): { path: string; name: string } {
  const m = /^(.*\.(?:h5|hdf5|hdf|nc|npy)):([^/\\:][^:]*)$/i.exec(target);
  return m ? { path: m[1]!, name: m[2]! } : { path: target, name: fallback };
}

export async function degradeFile(options: DegradeFileOptions): Promise<DegradeFileResult> {
  if (!isDegradeMethod(options.method)) {
    throw new FieldbenchError("BAD_USAGE", `unknown method "${options.method}" (known: ${DEGRADE_METHODS.join(", ")})`);
  }
  const method = options.method;
  if (!Number.isInteger(options.scale) || options.scale < 2) {
    throw new FieldbenchError("BAD_USAGE", `--scale must be an integer >= 2, got ${options.scale}`);
  }
  const spec = options.dataset === undefined ? undefined : getDataset(options.dataset);
  if (method === "noisy-uniform" && (spec === undefined || options.ratio === undefined)) {
    throw new FieldbenchError("BAD_USAGE", "noisy-uniform needs --dataset (channel std) and --noise RATIO");
  }
  const source = splitTarget(options.input, "fields");
  const file = await openFile(source.path);
  try {
    const name = file.format === "npy" ? (file.variables[0]?.name ?? "data") : source.name;
    const info = file.variables.find((v) => v.name === name || v.name === `/${name}`);
    if (info === undefined) {
      throw new FieldbenchError("VARIABLE_NOT_FOUND", `${source.path}: no dataset ${name} (name one as file.h5:NAME)`, {
        path: source.path,
      });
    }
    if (info.shape.length !== 3 && info.shape.length !== 4) {
      throw new FieldbenchError(
        "SHAPE_MISMATCH",
        `${source.path}: ${name} has shape [${info.shape.join(", ")}]; expected [C, H, W] or [N, C, H, W]`,
        { path: source.path },
      );
    }
    const batched = info.shape.length === 4;
    const [n, c, storedH, w] = (batched ? info.shape : [1, ...info.shape]) as [number, number, number, number];
    if (spec !== undefined && c !== spec.channels.length) {
      throw new FieldbenchError(
        "SHAPE_MISMATCH",
        `${source.path}: ${c} channels, ${spec.key} has ${spec.channels.length}`,
        { path: source.path },
      );
    }
    const h = spec !== undefined && storedH === spec.storedRows ? spec.hr[0] : storedH;
    const lrShape = degradedShape(method, [c, h, w], options.scale);
    const outShape = batched ? [n, ...lrShape] : lrShape;
    const parent = basename(dirname(source.path));
    const split = options.split ?? ((SPLITS as readonly string[]).includes(parent) ? parent : "custom");
    const snapshotLr = async (i: number): Promise<Float32Array> => {
      const sel = batched ? ([[i, i + 1], null, [0, h], null] as const) : ([null, [0, h], null] as const);
      const raw = await file.read(info.name, sel);
      const hr = raw.data instanceof Float32Array ? raw.data : Float32Array.from(raw.data as ArrayLike<number>);
      return degrade(method, hr, [c, h, w], {
        scale: options.scale,
        ...(method === "noisy-uniform"
          ? { ratio: options.ratio!, std: spec!.std, seed: deriveSeed(spec!.key, split, i) }
          : {}),
      });
    };
    const target = splitTarget(options.output, "LR_fields");
    if (/\.npy$/i.test(target.path)) {
      const size = lrShape[0] * lrShape[1] * lrShape[2];
      const out = new Float32Array(n * size);
      for (let i = 0; i < n; i++) out.set(await snapshotLr(i), i * size);
      await writeNpy(target.path, out, outShape);
    } else {
      const writer = await createHdf5Writer(target.path, {
        degradation: method,
        scale: options.scale,
        source: basename(source.path),
      });
      try {
        writer.createDataset({ name: target.name, dtype: "float32", shape: outShape });
        for (let i = 0; i < n; i++) writer.writeSlab(target.name, batched ? i : 0, await snapshotLr(i));
      } catch (err) {
        await writer.abort();
        throw err;
      }
      await writer.close();
    }
    return { inputShape: info.shape, outputShape: outShape, method, output: target.path };
  } finally {
    await file.close();
  }
}
