import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PackageManifest } from "./package-loader.js";

/**
 * A package's parameter count from its weights, never from what it declares: a TF.js package's weight manifest, an
 * ONNX graph's initializers. A JS package has no weight format, so its declared count stands (undefined here).
 * A complex spectral weight stored as a `w_re`/`w_im` pair counts once, as PyTorch counts FNO's complex weights
 * (the count `fieldbench run superbench` reports for FNO).
 */
export async function countParameters(manifest: PackageManifest): Promise<number | undefined> {
  if (manifest.kind === "tfjs") return countTfjs(await readFile(join(manifest.dir, manifest.entry), "utf8"));
  if (manifest.kind === "onnx") return countOnnx(await readFile(join(manifest.dir, manifest.entry)));
  return undefined;
}

export function countTfjs(modelJson: string): number {
  let parsed: { weightsManifest?: { weights?: { name?: string; shape?: number[] }[] }[] };
  try {
    parsed = JSON.parse(modelJson);
  } catch {
    return 0;
  }
  const weights = (parsed.weightsManifest ?? []).flatMap((g) => g.weights ?? []);
  const names = new Set(weights.map((w) => w.name));
  let total = 0;
  for (const w of weights) {
    const name = String(w.name);
    if (name.endsWith("/w_im") && names.has(`${name.slice(0, -"/w_im".length)}/w_re`)) continue;
    total += (w.shape ?? []).reduce((a, b) => a * b, 1);
  }
  return total;
}

/** Reads a protobuf varint at `pos`; returns [value, next position]. */
function varint(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let p = pos; p < bytes.length && p < pos + 10; p++) {
    const b = bytes[p] as number;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [value, p + 1];
  }
  return [Number.NaN, bytes.length];
}

/** The fields of one protobuf message: [field number, wire type, value or [start, end) of a length-delimited one]. */
function* fields(bytes: Uint8Array, start: number, end: number): Generator<[number, number, number, number]> {
  let pos = start;
  while (pos < end) {
    const [key, p1] = varint(bytes, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const [v, p2] = varint(bytes, p1);
      yield [field, wire, v, v];
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = varint(bytes, p1);
      if (!Number.isFinite(len) || p2 + len > end) return;
      yield [field, wire, p2, p2 + len];
      pos = p2 + len;
    } else if (wire === 1) pos = p1 + 8;
    else if (wire === 5) pos = p1 + 4;
    else return;
  }
}

/** ONNX: ModelProto.graph (7) -> GraphProto.initializer (5) -> TensorProto.dims (1), packed or not. */
export function countOnnx(bytes: Uint8Array): number {
  let total = 0;
  for (const [f, w, gs, ge] of fields(bytes, 0, bytes.length)) {
    if (f !== 7 || w !== 2) continue;
    for (const [g, gw, ts, te] of fields(bytes, gs, ge)) {
      if (g !== 5 || gw !== 2) continue;
      const dims: number[] = [];
      for (const [t, tw, a, b] of fields(bytes, ts, te)) {
        if (t !== 1) continue;
        if (tw === 0) dims.push(a);
        else if (tw === 2) {
          for (let p = a; p < b; ) {
            const [v, next] = varint(bytes, p);
            dims.push(v);
            p = next;
          }
        }
      }
      total += dims.reduce((x, y) => x * y, 1);
    }
  }
  return total;
}
