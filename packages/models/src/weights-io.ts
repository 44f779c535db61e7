import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { FieldbenchError } from "@fieldbench/core";
import "./nets/layers.js"; // registers the custom layers a saved model.json names

/**
 * Saves and loads TF.js LayersModels on the file system without tfjs-node (which has no offline install):
 * `model.json` + `weights.bin` in the layout of tfjs's own `file://` and http handlers, so tfjs-node or a
 * browser loads the same files.
 */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<{ weightBytes: number }> {
  await mkdir(dir, { recursive: true });
  let weightBytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const wd = artifacts.weightData;
      const parts = wd === undefined ? [] : Array.isArray(wd) ? wd : [wd];
      const weights = Buffer.concat(parts.map((b) => Buffer.from(b)));
      weightBytes = weights.length;
      const manifest = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      };
      // Written under temporary names, then renamed: a crash never leaves a model.json naming missing weights.
      await writeFile(join(dir, "weights.bin.tmp"), weights);
      await writeFile(join(dir, "model.json.tmp"), JSON.stringify(manifest));
      await rename(join(dir, "weights.bin.tmp"), join(dir, "weights.bin"));
      await rename(join(dir, "model.json.tmp"), join(dir, "model.json"));
      return {
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.length },
      };
    }),
  );
  return { weightBytes };
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
  const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
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
