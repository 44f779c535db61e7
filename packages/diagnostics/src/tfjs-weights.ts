import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { FieldbenchError, checkAllocation } from "@fieldbench/core";

/** One named float32 tensor of a TF.js weights manifest. */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

interface ManifestEntry {
  name?: unknown;
  shape?: unknown;
  dtype?: unknown;
  quantization?: unknown;
}

/**
 * Reads the weights of a TF.js model.json without loading TF.js (the diagnostics only need the numbers): the
 * manifest's groups, each a list of files whose concatenation holds its tensors back to back. Only float32 is
 * accepted; a quantized or differently typed tensor, a path leaving the folder or a size that does not add up is
 * refused with the file and the reason.
 */
export function readTfjsWeights(dirArg: string, entry = "model.json"): NamedTensor[] {
  const dir = resolve(dirArg);
  const path = join(dir, entry);
  let manifest: { weightsManifest?: { paths?: unknown; weights?: ManifestEntry[] }[] };
  try {
    manifest = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new FieldbenchError("BAD_PACKAGE", `${path}: not a readable TF.js model.json (${(cause as Error).message})`, {
      path,
      cause,
    });
  }
  const groups = manifest.weightsManifest;
  if (!Array.isArray(groups)) throw new FieldbenchError("BAD_PACKAGE", `${path}: no weightsManifest`, { path });
  const tensors: NamedTensor[] = [];
  for (const group of groups) {
    const paths = group.paths;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === "string" && !p.split(/[\\/]/).includes("..")))
      throw new FieldbenchError("BAD_PACKAGE", `${path}: weightsManifest paths must be files inside the package`, {
        path,
      });
    const files = (paths as string[]).map((p) => join(dir, p));
    const specs = (group.weights ?? []).map((w) => checkEntry(w, path));
    const declared = specs.reduce((sum, s) => sum + s.count * 4, 0);
    const stored = files.reduce((sum, f) => sum + fileSize(f), 0);
    if (declared !== stored)
      throw new FieldbenchError(
        "BAD_PACKAGE",
        `${path}: the weight files hold ${stored} bytes but the manifest declares ${declared}`,
        { path },
      );
    checkAllocation(declared / 4, 4, `weights of ${path}`, path);
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    let offset = 0;
    for (const spec of specs) {
      const values = new Float32Array(spec.count);
      new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + spec.count * 4));
      offset += spec.count * 4;
      tensors.push({ name: spec.name, shape: spec.shape, values });
    }
  }
  return tensors;
}

function checkEntry(w: ManifestEntry, path: string): { name: string; shape: number[]; count: number } {
  const shape = w.shape;
  if (
    typeof w.name !== "string" ||
    !Array.isArray(shape) ||
    !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)
  )
    throw new FieldbenchError("BAD_PACKAGE", `${path}: a weight entry needs a name and a shape of sizes`, { path });
  if (w.dtype !== "float32" || w.quantization !== undefined)
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${path}: weight ${w.name} is ${w.quantization === undefined ? String(w.dtype) : "quantized"}; the weight diagnostics read float32 only`,
      { path },
    );
  return { name: w.name, shape: shape as number[], count: (shape as number[]).reduce((a, b) => a * b, 1) };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (cause) {
    throw new FieldbenchError("BAD_PACKAGE", `${file}: weight file missing`, { path: file, cause });
  }
}
