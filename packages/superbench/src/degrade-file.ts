import { mkdir } from "node:fs/promises";
import { basename, dirname, extname } from "node:path";
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
  const target = outputTarget(options.output);
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
    checkDivides(source.path, h, w, options.scale);
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
    // A missing output folder is created, as `train --checkpoint-dir` and the leaderboard store do.
    await makeParent(target.path);
    if (target.kind === "npy") {
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

/**
 * SuperBench crops HR to multiples of the scale, so that HR = scale x LR holds exactly; a field that is not one
 * would come back floored (128 / 3 -> 42) and could never be scored against its HR, so it is refused.
 */
function checkDivides(path: string, h: number, w: number, scale: number): void {
  if (h % scale !== 0 || w % scale !== 0) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `${path}: a ${h}x${w} field is not a multiple of --scale ${scale} ` +
        `(${h}/${scale} = ${(h / scale).toFixed(2)}, ${w}/${scale} = ${(w / scale).toFixed(2)}); crop it first`,
      { path },
    );
  }
}

const OUTPUT_KINDS: Readonly<Record<string, "npy" | "hdf5">> = {
  ".npy": "npy",
  ".h5": "hdf5",
  ".hdf5": "hdf5",
  ".hdf": "hdf5",
  ".nc": "hdf5",
};

/**
 * The output format follows the extension, as numpy.save and h5py users expect; an unknown one is refused rather
 * than silently written as HDF5.
 */
function outputTarget(output: string): { path: string; name: string; kind: "npy" | "hdf5" } {
  const target = splitTarget(output, "LR_fields");
  const kind = OUTPUT_KINDS[extname(target.path).toLowerCase()];
  if (kind === undefined) {
    throw new FieldbenchError(
      "BAD_USAGE",
      `--out ${output}: unknown extension "${extname(target.path)}" (use ${Object.keys(OUTPUT_KINDS).join(", ")})`,
    );
  }
  return { ...target, kind };
}

/** Created only once the input has been read and checked, so a refused run leaves no folder behind. */
async function makeParent(path: string): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true });
  } catch (cause) {
    throw new FieldbenchError("FILE_NOT_FOUND", `--out ${path}: cannot create folder ${dir} (${String(cause)})`, {
      path: dir,
      cause,
    });
  }
}
