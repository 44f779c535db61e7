import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { FieldbenchError } from "@fieldbench/core";
import { interpolate } from "./interpolation.js";
import type { Model, TileSpec } from "./model.js";
import { NETS, type NetName } from "./nets/nets.js";

export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** What a trained TF.js baseline needs besides its weights (stored in its package's `fieldbench` field). */
export interface NetConfig {
  readonly net: NetName;
  readonly channels: number;
  readonly scale: number;
  readonly normalization: Normalization;
  /** FNO with a global skip from its pre-upsampled input (nets.ts NetSpec.globalSkip). */
  readonly globalSkip?: boolean;
}

/** z-scores [N, C, h, w] in place of a copy: the nets see z = (x - mean_c) / std_c. */
export function normalizeBatch(
  data: Float32Array,
  shape: readonly number[],
  norm: Normalization,
  inverse = false,
): Float32Array {
  const [n, c] = shape as [number, number];
  const plane = data.length / (n * c);
  const out = new Float32Array(data.length);
  for (let s = 0; s < n; s++)
    for (let ch = 0; ch < c; ch++) {
      const mean = norm.mean[ch] ?? 0;
      const std = norm.std[ch] ?? 1;
      const base = (s * c + ch) * plane;
      for (let i = 0; i < plane; i++) {
        const v = data[base + i] as number;
        out[base + i] = inverse ? v * std + mean : (v - mean) / std;
      }
    }
  return out;
}

/** [N, C, H, W] -> NHWC tensor. */
export function toNhwc(data: Float32Array, [n, c, h, w]: readonly [number, number, number, number]): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.tensor4d(data, [n, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D);
}

export async function fromNhwc(t: tf.Tensor4D): Promise<Float32Array> {
  const nchw = tf.transpose(t, [0, 3, 1, 2]);
  const data = (await nchw.data()) as Float32Array;
  nchw.dispose();
  return data;
}

/** Network input for one LR batch: z-scored, and bicubic-upsampled (pixel centres) for pre-upsampling nets. */
export function netInput(
  lr: Float32Array,
  shape: readonly [number, number, number, number],
  config: NetConfig,
): tf.Tensor4D {
  const z = normalizeBatch(lr, shape, config.normalization);
  if (!NETS[config.net].info.preUpsampled) return toNhwc(z, shape);
  const [n, c, h, w] = shape;
  return toNhwc(interpolate("bicubic", z, shape, config.scale), [n, c, h * config.scale, w * config.scale]);
}

/**
 * Most HR pixels one forward pass may cover: 32 x 128², the training batch. Larger passes exceed WebGPU's
 * dispatch limits (65,535 workgroups a dimension), and tfjs-webgpu does not always say so: an EDSR x16 pass over
 * 8 tiles of 1024² came back as garbage (RFNE 0.999) where a conv at 2048² threw. Batches are split to stay under.
 */
export const MAX_HR_PIXELS_PER_PASS = 32 * 128 * 128;

/** Tiles per forward pass for tiles of hrPixels each (at least one). */
export function tilesPerPass(hrPixels: number): number {
  return Math.max(1, Math.floor(MAX_HR_PIXELS_PER_PASS / hrPixels));
}

/** Wraps a LayersModel as a fieldbench Model (LR batch in physical units -> HR batch in physical units). */
export function wrapLayersModel(
  layers: tfl.LayersModel,
  config: NetConfig,
  identity: { name: string; version: string; integrity: string; tile?: TileSpec },
): Model {
  return {
    name: identity.name,
    version: identity.version,
    integrity: identity.integrity,
    parameters: NETS[config.net].info.referenceParameters(layers),
    ...(identity.tile === undefined ? {} : { tile: identity.tile }),
    async predict(lrBatch, shape, { scale }) {
      if (scale !== config.scale) {
        throw new FieldbenchError("INVALID_VALUE", `${identity.name} was trained for x${config.scale}, not x${scale}`);
      }
      if (shape[1] !== config.channels) {
        throw new FieldbenchError(
          "SHAPE_MISMATCH",
          `${identity.name} expects ${config.channels} channels, got ${shape[1]}`,
        );
      }
      const [n, c, h, w] = shape;
      const per = tilesPerPass(h * w * scale * scale);
      const inPlane = c * h * w;
      const outPlane = inPlane * scale * scale;
      const z = new Float32Array(n * outPlane);
      for (let first = 0; first < n; first += per) {
        const count = Math.min(per, n - first);
        const part = lrBatch.subarray(first * inPlane, (first + count) * inPlane);
        const x = netInput(part, [count, c, h, w], config);
        const y = layers.predict(x) as tf.Tensor4D;
        x.dispose();
        z.set(await fromNhwc(y), first * outPlane);
        y.dispose();
      }
      return normalizeBatch(z, [n, c, h * scale, w * scale], config.normalization, true);
    },
    dispose() {
      layers.dispose();
    },
  };
}
