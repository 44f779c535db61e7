/**
 * 4th-order central differences, f'(i) ~ (f(i-2) - 8 f(i-1) + 8 f(i+1) - f(i+2)) / (12 h), on a row-major
 * H x W field. "x" is the first spatial axis (rows), "y" the second (columns), as in SuperBench.
 */

/** d/dx (along rows) at (i, j), no bounds handling: 2 <= i < H-2. */
export function ddxAt(f: ArrayLike<number>, w: number, i: number, j: number, inv12h: number): number {
  return (
    ((f[(i - 2) * w + j] as number) -
      8 * (f[(i - 1) * w + j] as number) +
      8 * (f[(i + 1) * w + j] as number) -
      (f[(i + 2) * w + j] as number)) *
    inv12h
  );
}

/** Periodic d/dx (axis 0) and d/dy (axis 1) of a whole field. */
export function ddxPeriodic(f: ArrayLike<number>, h: number, w: number, spacing: number): Float64Array {
  const out = new Float64Array(h * w);
  const inv = 1 / (12 * spacing);
  for (let i = 0; i < h; i++) {
    const m2 = ((i - 2 + h) % h) * w;
    const m1 = ((i - 1 + h) % h) * w;
    const p1 = ((i + 1) % h) * w;
    const p2 = ((i + 2) % h) * w;
    for (let j = 0; j < w; j++) {
      out[i * w + j] =
        ((f[m2 + j] as number) - 8 * (f[m1 + j] as number) + 8 * (f[p1 + j] as number) - (f[p2 + j] as number)) * inv;
    }
  }
  return out;
}

export function ddyPeriodic(f: ArrayLike<number>, h: number, w: number, spacing: number): Float64Array {
  const out = new Float64Array(h * w);
  const inv = 1 / (12 * spacing);
  const wrap = (j: number): number => (j + w) % w;
  for (let i = 0; i < h; i++) {
    const o = i * w;
    // Interior columns without index wrapping (the hot loop), then the four border columns.
    for (let j = 2; j < w - 2; j++) {
      out[o + j] =
        ((f[o + j - 2] as number) -
          8 * (f[o + j - 1] as number) +
          8 * (f[o + j + 1] as number) -
          (f[o + j + 2] as number)) *
        inv;
    }
    for (const j of new Set([0, 1, w - 2, w - 1])) {
      if (j < 0 || j >= w) continue;
      out[o + j] =
        ((f[o + wrap(j - 2)] as number) -
          8 * (f[o + wrap(j - 1)] as number) +
          8 * (f[o + wrap(j + 1)] as number) -
          (f[o + wrap(j + 2)] as number)) *
        inv;
    }
  }
  return out;
}
