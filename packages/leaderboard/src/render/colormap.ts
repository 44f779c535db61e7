import { PNG } from "pngjs";

/**
 * viridis (matplotlib's perceptually uniform colormap) sampled at 0, 1/16, ..., 1 (from matplotlib) and interpolated
 * linearly in sRGB between the samples: within 4 levels of the full 256-entry table, enough for previews.
 */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [72, 24, 106],
  [71, 45, 123],
  [66, 64, 134],
  [59, 82, 139],
  [51, 99, 141],
  [44, 114, 142],
  [38, 130, 142],
  [33, 145, 140],
  [31, 160, 136],
  [40, 174, 128],
  [63, 188, 115],
  [94, 201, 98],
  [132, 212, 75],
  [173, 220, 48],
  [216, 226, 25],
  [253, 231, 37],
];

/** The viridis colour of t in [0, 1] (clamped; NaN maps to the low end). */
export function viridis(t: number): [number, number, number] {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1) : 0;
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  const a = VIRIDIS[i] as readonly number[];
  const b = VIRIDIS[i + 1] as readonly number[];
  return [0, 1, 2].map((c) => Math.round((a[c] as number) + ((b[c] as number) - (a[c] as number)) * f)) as [
    number,
    number,
    number,
  ];
}

/** A 2-D field, row-major. */
export interface Field2D {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
}

/** Encodes a field as an RGB PNG through viridis, mapping [min, max] to [0, 1]. */
export function fieldToPng(field: Field2D, range: { min: number; max: number }): Buffer {
  const png = new PNG({ width: field.width, height: field.height, colorType: 2 });
  const span = range.max - range.min || 1;
  for (let i = 0; i < field.height * field.width; i++) {
    const [r, g, b] = viridis(((field.data[i] as number) - range.min) / span);
    png.data[4 * i] = r;
    png.data[4 * i + 1] = g;
    png.data[4 * i + 2] = b;
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2 });
}

export function fieldRange(field: Field2D): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of field.data) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 1 };
}
