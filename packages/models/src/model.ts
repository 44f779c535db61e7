/**
 * The model interface every super-resolution model implements: interpolation baselines here, TF.js / ONNX / JS
 * model packages later. Arrays are float32, row-major, in physical units (the model does its own normalisation).
 */
export interface PredictOptions {
  /** Integer upscaling factor: output is [N, C, h * scale, w * scale]. */
  readonly scale: number;
}

/** Tiled inference settings for models that cannot run on whole fields (LR pixels). */
export interface TileSpec {
  /** LR tile edge. */
  readonly size: number;
  /** LR pixels shared by neighbouring tiles, blended with a linear ramp. */
  readonly overlap: number;
  /**
   * The model must see tiles of exactly `size` (FNO: its Fourier modes are fractions of the input's extent), so a
   * field smaller than one tile cannot be predicted; convolutional nets take any extent and leave this unset.
   */
  readonly fixedExtent?: boolean;
}

export interface Model {
  /** Registry name or package name. */
  readonly name: string;
  /** Package version ("builtin" versions follow the harness). */
  readonly version: string;
  /** Trainable parameter count (0 for interpolation). */
  readonly parameters: number;
  /** sha256 of the weights or of the algorithm's definition, so a result names exactly what ran. */
  readonly integrity: string;
  /** Set when the model needs tiled inference; whole fields otherwise. */
  readonly tile?: TileSpec;
  /** LR batch [N, C, h, w] -> HR batch [N, C, h * scale, w * scale]. */
  predict(
    lrBatch: Float32Array,
    shape: readonly [number, number, number, number],
    options: PredictOptions,
  ): Promise<Float32Array>;
  /** Releases backend memory, if any. */
  dispose?(): Promise<void> | void;
}

export interface ModelOptions {
  /** Channels the model will see (C). */
  readonly channels?: number;
  /** Upscaling factor the model is built for (learned models are scale-specific). */
  readonly scale?: number;
  /** Per-channel normalisation constants of the dataset (learned models z-score inside). */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

export type CreateModel = (options?: ModelOptions) => Model | Promise<Model>;
