import { FieldbenchError, checkAllocation } from "@fieldbench/core";
import type { Model, TileSpec } from "@fieldbench/models";

/**
 * Tiled inference for models that cannot take a whole field: the LR field [C, h, w] is cut into size x size tiles
 * overlapping by `overlap` LR pixels (the last tile of a row or column is aligned to the edge), tiles run through
 * the model in batches, and HR tiles are blended with weights that ramp linearly over the overlap, then divided by
 * the summed weights. Tile positions are fixed by the field size, so inference is deterministic.
 */
export function tileStarts(extent: number, size: number, overlap: number): number[] {
  if (size >= extent) return [0];
  const step = size - overlap;
  const starts: number[] = [];
  for (let s = 0; s + size < extent; s += step) starts.push(s);
  starts.push(extent - size);
  return starts;
}

/** Weight of HR pixel i in a tile of length n whose overlap is `ramp` HR pixels: in (0, 1], 1 in the interior. */
function rampWeight(i: number, n: number, ramp: number): number {
  if (ramp <= 0) return 1;
  return Math.min(1, (i + 0.5) / ramp, (n - i - 0.5) / ramp);
}

export async function predictTiled(
  model: Model,
  lr: Float32Array,
  shape: readonly [number, number, number],
  scale: number,
  tile: TileSpec,
  batchSize = 8,
): Promise<Float32Array> {
  const [c, h, w] = shape;
  if (!(tile.size > 0 && tile.overlap >= 0 && tile.overlap < tile.size)) {
    throw new FieldbenchError("INVALID_VALUE", `tile size ${tile.size} with overlap ${tile.overlap} is not usable`);
  }
  if (tile.fixedExtent === true && (h < tile.size || w < tile.size)) {
    throw new FieldbenchError(
      "UNSUPPORTED",
      `model ${model.name} runs on ${tile.size}x${tile.size} LR tiles only; this LR field is ${h}x${w}`,
    );
  }
  const th = Math.min(tile.size, h);
  const tw = Math.min(tile.size, w);
  const H = h * scale;
  const W = w * scale;
  checkAllocation(c * H * W * 2 + batchSize * c * th * tw * scale * scale, 4, "tiled prediction");
  const out = new Float32Array(c * H * W);
  const weightSum = new Float32Array(H * W);
  const ys = tileStarts(h, th, tile.overlap);
  const xs = tileStarts(w, tw, tile.overlap);
  const positions = ys.flatMap((y) => xs.map((x) => [y, x] as const));
  const ramp = tile.overlap * scale;
  const wy = Float32Array.from({ length: th * scale }, (_, i) => rampWeight(i, th * scale, ramp));
  const wx = Float32Array.from({ length: tw * scale }, (_, i) => rampWeight(i, tw * scale, ramp));

  for (let b = 0; b < positions.length; b += batchSize) {
    const batch = positions.slice(b, b + batchSize);
    const input = new Float32Array(batch.length * c * th * tw);
    batch.forEach(([y0, x0], t) => {
      for (let ch = 0; ch < c; ch++)
        for (let y = 0; y < th; y++) {
          const src = ch * h * w + (y0 + y) * w + x0;
          input.set(lr.subarray(src, src + tw), ((t * c + ch) * th + y) * tw);
        }
    });
    const pred = await model.predict(input, [batch.length, c, th, tw], { scale });
    const TH = th * scale;
    const TW = tw * scale;
    if (pred.length !== batch.length * c * TH * TW) {
      throw new FieldbenchError(
        "SHAPE_MISMATCH",
        `model ${model.name} returned ${pred.length} values for ${batch.length} tiles of ${c}x${TH}x${TW}`,
      );
    }
    batch.forEach(([y0, x0], t) => {
      const Y0 = y0 * scale;
      const X0 = x0 * scale;
      for (let y = 0; y < TH; y++)
        for (let x = 0; x < TW; x++) {
          const weight = wy[y]! * wx[x]!;
          const pixel = (Y0 + y) * W + X0 + x;
          weightSum[pixel]! += weight;
          for (let ch = 0; ch < c; ch++) out[ch * H * W + pixel]! += weight * pred[((t * c + ch) * TH + y) * TW + x]!;
        }
    });
  }
  for (let ch = 0; ch < c; ch++)
    for (let p = 0; p < H * W; p++) out[ch * H * W + p] = out[ch * H * W + p]! / weightSum[p]!;
  return out;
}
