import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

/**
 * Custom layers the SuperBench baselines need and tfjs-layers lacks. Each is registered for serialization,
 * so a saved model.json loads back with `tf.loadLayersModel` once this module is imported.
 */

type Shape = (number | null)[];

/** PixelShuffle(r) for NHWC: [N, H, W, C*r*r] -> [N, H*r, W*r, C] (reshape/transpose, which have gradients; DepthToSpace has none). */
export class PixelShuffle extends tfl.layers.Layer {
  static className = "FieldbenchPixelShuffle";
  readonly factor: number;
  constructor(config: { factor: number; name?: string }) {
    super(config);
    this.factor = config.factor;
  }
  override computeOutputShape(input: Shape): Shape {
    const [n, h, w, c] = input;
    const r = this.factor;
    return [n ?? null, h == null ? null : h * r, w == null ? null : w * r, (c as number) / (r * r)];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => pixelShuffle(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, this.factor));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}

export function pixelShuffle(x: tf.Tensor, r: number): tf.Tensor4D {
  const [n, h, w, crr] = x.shape as [number, number, number, number];
  const c = crr / (r * r);
  const t = tf.reshape(x, [n, h, w, r, r, c]);
  return tf.reshape(tf.transpose(t, [0, 1, 3, 2, 4, 5]), [n, h * r, w * r, c]);
}

/** Multiplies by a constant (EDSR/WDSR residual scaling 0.1). */
export class Scale extends tfl.layers.Layer {
  static className = "FieldbenchScale";
  readonly factor: number;
  constructor(config: { factor: number; name?: string }) {
    super(config);
    this.factor = config.factor;
  }
  override computeOutputShape(input: Shape): Shape {
    return input;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, this.factor));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}

/** Periodic (circular) padding of H and W, as WDSR's convolutions use on periodic flow fields. */
export class CircularPad extends tfl.layers.Layer {
  static className = "FieldbenchCircularPad";
  readonly pad: number;
  constructor(config: { pad: number; name?: string }) {
    super(config);
    this.pad = config.pad;
  }
  override computeOutputShape(input: Shape): Shape {
    const [n, h, w, c] = input;
    const p = 2 * this.pad;
    return [n ?? null, h == null ? null : h + p, w == null ? null : w + p, c ?? null];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => circularPad(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, this.pad));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), pad: this.pad };
  }
}

export function circularPad(x: tf.Tensor, p: number): tf.Tensor4D {
  if (p === 0) return x as tf.Tensor4D;
  const [, h, w] = x.shape as [number, number, number, number];
  const rows = tf.concat(
    [tf.slice(x, [0, h - p, 0, 0], [-1, p, -1, -1]), x, tf.slice(x, [0, 0, 0, 0], [-1, p, -1, -1])],
    1,
  );
  return tf.concat(
    [tf.slice(rows, [0, 0, w - p, 0], [-1, -1, p, -1]), rows, tf.slice(rows, [0, 0, 0, 0], [-1, -1, p, -1])],
    2,
  ) as tf.Tensor4D;
}

interface DftMatrices {
  /** Forward along W, kept rfft modes: [W, m2] (cos, -sin). */
  fwRe: tf.Tensor2D;
  fwIm: tf.Tensor2D;
  /** Forward along H, kept modes 0..m1-1 and H-m1..H-1: [2*m1, H]. */
  fhRe: tf.Tensor2D;
  fhIm: tf.Tensor2D;
  /** Inverse along H: [H, 2*m1], with the 1/H factor. */
  ihRe: tf.Tensor2D;
  ihIm: tf.Tensor2D;
  /** Inverse real transform along W from m2 modes: [m2, W], with c_k / W (c_0 = 1, c_k = 2). */
  iwRe: tf.Tensor2D;
  iwIm: tf.Tensor2D;
}

/**
 * Truncated DFT matrices for an H x W grid (FNO's spectral layer as matmuls: tfjs's FFT is a naive DFT and
 * only the 2*m1 x m2 retained modes are ever needed). Built in float64 and cast once per grid size.
 */
export function dftMatrices(h: number, w: number, m1: number, m2: number): DftMatrices {
  const k1s = [...Array.from({ length: m1 }, (_, i) => i), ...Array.from({ length: m1 }, (_, i) => h - m1 + i)];
  const fwRe = new Float32Array(w * m2);
  const fwIm = new Float32Array(w * m2);
  for (let x = 0; x < w; x++)
    for (let k = 0; k < m2; k++) {
      const a = (-2 * Math.PI * x * k) / w;
      fwRe[x * m2 + k] = Math.cos(a);
      fwIm[x * m2 + k] = Math.sin(a);
    }
  const fhRe = new Float32Array(2 * m1 * h);
  const fhIm = new Float32Array(2 * m1 * h);
  const ihRe = new Float32Array(h * 2 * m1);
  const ihIm = new Float32Array(h * 2 * m1);
  k1s.forEach((k, row) => {
    for (let y = 0; y < h; y++) {
      const a = (-2 * Math.PI * y * k) / h;
      fhRe[row * h + y] = Math.cos(a);
      fhIm[row * h + y] = Math.sin(a);
      ihRe[y * 2 * m1 + row] = Math.cos(-a) / h;
      ihIm[y * 2 * m1 + row] = Math.sin(-a) / h;
    }
  });
  const iwRe = new Float32Array(m2 * w);
  const iwIm = new Float32Array(m2 * w);
  for (let k = 0; k < m2; k++)
    for (let x = 0; x < w; x++) {
      const c = (k === 0 || 2 * k === w ? 1 : 2) / w;
      const a = (2 * Math.PI * x * k) / w;
      iwRe[k * w + x] = c * Math.cos(a);
      iwIm[k * w + x] = c * Math.sin(a);
    }
  return {
    fwRe: tf.tensor2d(fwRe, [w, m2]),
    fwIm: tf.tensor2d(fwIm, [w, m2]),
    fhRe: tf.tensor2d(fhRe, [2 * m1, h]),
    fhIm: tf.tensor2d(fhIm, [2 * m1, h]),
    ihRe: tf.tensor2d(ihRe, [h, 2 * m1]),
    ihIm: tf.tensor2d(ihIm, [h, 2 * m1]),
    iwRe: tf.tensor2d(iwRe, [m2, w]),
    iwIm: tf.tensor2d(iwIm, [m2, w]),
  };
}

/**
 * FNO's spectral convolution (Li et al. 2021): keep modes |k1| < m1 (both signs) and 0 <= k2 < m2 of the real 2-D
 * DFT, multiply each mode by a learned complex [Cin, Cout] matrix, transform back. Weights are stored as real and
 * imaginary parts [2*m1*m2, Cin, Cout]; PyTorch counts a complex weight once, so its parameter count is half ours.
 */
export class SpectralConv2d extends tfl.layers.Layer {
  static className = "FieldbenchSpectralConv2d";
  readonly modes1: number;
  readonly modes2: number;
  readonly filters: number;
  private wRe!: tfl.LayerVariable;
  private wIm!: tfl.LayerVariable;
  private readonly cache = new Map<string, DftMatrices>();

  constructor(config: { filters: number; modes1: number; modes2: number; name?: string }) {
    super(config);
    this.filters = config.filters;
    this.modes1 = config.modes1;
    this.modes2 = config.modes2;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const cin = shape[3] as number;
    const modes = 2 * this.modes1 * this.modes2;
    // Li et al.'s init: uniform in [0, 1/(cin*cout)) for both parts.
    const scale = 1 / (cin * this.filters);
    const init = tfl.initializers.randomUniform({ minval: 0, maxval: scale });
    this.wRe = this.addWeight("w_re", [modes, cin, this.filters], "float32", init);
    this.wIm = this.addWeight("w_im", [modes, cin, this.filters], "float32", init);
    this.built = true;
  }

  override computeOutputShape(input: Shape): Shape {
    return [input[0] ?? null, input[1] ?? null, input[2] ?? null, this.filters];
  }

  private matrices(h: number, w: number): DftMatrices {
    const key = `${h}x${w}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    // Built outside any tidy scope that would dispose them; kept for the layer's lifetime (one set per grid size).
    const m = dftMatrices(h, w, this.modes1, this.modes2);
    for (const t of Object.values(m)) tf.keep(t as tf.Tensor);
    this.cache.set(key, m);
    return m;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const [n, h, w, cin] = x.shape;
    const m1 = this.modes1;
    const m2 = this.modes2;
    if (2 * m1 > h || m2 > Math.floor(w / 2) + 1) {
      throw new Error(`SpectralConv2d: ${2 * m1}x${m2} modes do not fit a ${h}x${w} grid`);
    }
    const d = this.matrices(h, w);
    return tf.tidy(() => {
      // Along W: [N, H, C, W] x [W, m2] -> [N, H, C, m2].
      const xt = tf.transpose(x, [0, 1, 3, 2]);
      const a = tf.reshape(xt, [n * h * cin, w]);
      const aRe = tf.reshape(tf.matMul(a, d.fwRe), [n, h, cin * m2]);
      const aIm = tf.reshape(tf.matMul(a, d.fwIm), [n, h, cin * m2]);
      // Along H (kept k1): [2m1, H] x [N, H, C*m2] -> [N, 2m1, C*m2] (complex product).
      const bcast = (m: tf.Tensor2D) => tf.tile(tf.expandDims(m, 0), [n, 1, 1]) as tf.Tensor3D;
      const fhRe = bcast(d.fhRe);
      const fhIm = bcast(d.fhIm);
      const bRe = tf.sub(tf.matMul(fhRe, aRe), tf.matMul(fhIm, aIm));
      const bIm = tf.add(tf.matMul(fhRe, aIm), tf.matMul(fhIm, aRe));
      // Per mode: [modes, N, Cin] x [modes, Cin, Cout].
      const toModes = (t: tf.Tensor) =>
        tf.reshape(tf.transpose(tf.reshape(t, [n, 2 * m1, cin, m2]), [1, 3, 0, 2]), [
          2 * m1 * m2,
          n,
          cin,
        ]) as tf.Tensor3D;
      const xr = toModes(bRe);
      const xi = toModes(bIm);
      const wr = this.wRe.read() as tf.Tensor3D;
      const wi = this.wIm.read() as tf.Tensor3D;
      const yRe = tf.sub(tf.matMul(xr, wr), tf.matMul(xi, wi));
      const yIm = tf.add(tf.matMul(xr, wi), tf.matMul(xi, wr));
      // Back to [N, 2m1, m2*Cout] then inverse along H: [H, 2m1] x -> [N, H, m2*Cout].
      const fromModes = (t: tf.Tensor) =>
        tf.reshape(tf.transpose(tf.reshape(t, [2 * m1, m2, n, this.filters]), [2, 0, 1, 3]), [
          n,
          2 * m1,
          m2 * this.filters,
        ]);
      const cRe = fromModes(yRe) as tf.Tensor3D;
      const cIm = fromModes(yIm) as tf.Tensor3D;
      const ihRe = bcast(d.ihRe);
      const ihIm = bcast(d.ihIm);
      const eRe = tf.sub(tf.matMul(ihRe, cRe), tf.matMul(ihIm, cIm));
      const eIm = tf.add(tf.matMul(ihRe, cIm), tf.matMul(ihIm, cRe));
      // Inverse real transform along W: Re(sum_k c_k E_k e^{+i...}) -> [N, H, Cout, m2] x [m2, W].
      const toW = (t: tf.Tensor) =>
        tf.reshape(tf.transpose(tf.reshape(t, [n, h, m2, this.filters]), [0, 1, 3, 2]), [n * h * this.filters, m2]);
      const y = tf.sub(tf.matMul(toW(eRe), d.iwRe), tf.matMul(toW(eIm), d.iwIm));
      return tf.transpose(tf.reshape(y, [n, h, this.filters, w]), [0, 1, 3, 2]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, modes1: this.modes1, modes2: this.modes2 };
  }
}

for (const cls of [PixelShuffle, Scale, CircularPad, SpectralConv2d]) tf.serialization.registerClass(cls);
