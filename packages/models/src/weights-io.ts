import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { FieldbenchError, sha256Files, writeFileAtomic } from "@fieldbench/core";
import "./nets/layers.js"; // registers the custom layers a saved model.json names
import { type WeightDtype, encodeWeights, storedBytesPerElement } from "./weights-float16.js";

/**
 * Saves and loads TF.js LayersModels on the file system without tfjs-node (which has no offline install):
 * `model.json` + `weights.bin` in the layout of tfjs's own `file://` and http handlers, so tfjs-node or a
 * browser loads the same files.
 */
/**
 * Largest weights file a model is saved as. Git hosts refuse or warn on big files and the issue asks for weights
 * under 16 MiB a file, so bigger models (FNO: 38 MB in float32) are split, as tfjs-converter's shards are: plain
 * byte ranges of the concatenated weights, listed in order in `weightsManifest[0].paths`.
 */
export const WEIGHT_SHARD_BYTES = 8 * 1024 * 1024;

/** File names for `total` weight bytes: weights.bin when one shard holds them, else weights-<i>of<n>.bin. */
export function weightShardNames(total: number, shardBytes = WEIGHT_SHARD_BYTES): string[] {
  const n = Math.max(1, Math.ceil(total / shardBytes));
  return n === 1 ? ["weights.bin"] : Array.from({ length: n }, (_, i) => `weights-${i + 1}of${n}.bin`);
}

/** The weight files model.json in `dir` names, in manifest order (their concatenation is the weights). */
export async function weightFiles(dir: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(dir, "model.json"), "utf8")) as ModelJson;
  return (manifest.weightsManifest ?? []).flatMap((g) => g.paths);
}

/** sha256 over the concatenated weight files (for one file, that file's sha256). */
export async function weightsSha256(dir: string): Promise<string> {
  return sha256Files((await weightFiles(dir)).map((file) => join(dir, file)));
}

export interface SaveOptions {
  readonly shardBytes?: number;
  /** "float16": tfjs's weight quantization, half the bytes (weights-float16.ts); default "float32". */
  readonly dtype?: WeightDtype;
}

export async function saveLayersModel(
  model: tfl.LayersModel,
  dir: string,
  options: SaveOptions = {},
): Promise<{ weightBytes: number; files: string[] }> {
  const shardBytes = options.shardBytes ?? WEIGHT_SHARD_BYTES;
  await mkdir(dir, { recursive: true });
  let files: string[] = [];
  let weightBytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const wd = artifacts.weightData;
      const parts = wd === undefined ? [] : Array.isArray(wd) ? wd : [wd];
      const encoded = encodeWeights(
        artifacts.weightSpecs ?? [],
        Buffer.concat(parts.map((b) => Buffer.from(b))),
        options.dtype ?? "float32",
      );
      const weights = encoded.data;
      weightBytes = weights.length;
      files = weightShardNames(weights.length, shardBytes);
      const manifest = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: files, weights: encoded.specs }],
      };
      // Each file atomic, model.json last: a crash never leaves a model.json naming missing weights.
      for (const [i, file] of files.entries())
        await writeFileAtomic(join(dir, file), weights.subarray(i * shardBytes, (i + 1) * shardBytes));
      await writeFileAtomic(join(dir, "model.json"), JSON.stringify(manifest));
      return {
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.length },
      };
    }),
  );
  return { weightBytes, files };
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export async function loadLayersModel(dir: string): Promise<tfl.LayersModel> {
  const path = join(dir, "model.json");
  let manifest: ModelJson;
  try {
    manifest = JSON.parse(await readFile(path, "utf8")) as ModelJson;
  } catch (cause) {
    throw new FieldbenchError("BAD_PACKAGE", `${path}: not a readable TF.js model.json (${(cause as Error).message})`, {
      path,
      cause,
    });
  }
  const groups = manifest.weightsManifest ?? [];
  const specs = groups.flatMap((g) => g.weights);
  const buffers = await Promise.all(groups.flatMap((g) => g.paths.map((p) => readFile(join(dir, p)))));
  const weights = Buffer.concat(buffers);
  const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * storedBytesPerElement(s), 0);
  if (weights.length !== expected) {
    throw new FieldbenchError(
      "BAD_PACKAGE",
      `${dir}: weights hold ${weights.length} bytes but model.json declares ${expected}`,
      {
        path: dir,
      },
    );
  }
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: specs,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}
