import { createHash } from "node:crypto";

/**
 * A seeded random number generator (xoshiro128**, seeded through splitmix32), so that noisy degradations,
 * crops, bootstrap resamples and initial conditions are identical on every run and every machine.
 */
export interface Rng {
  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Standard normal N(0, 1) (Box-Muller, both values used). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Raw 32-bit output. */
  nextUint32(): number;
}

export function createRng(seed: number | string): Rng {
  let state = typeof seed === "string" ? seedFromString(seed) : seed >>> 0;
  const splitmix32 = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix32();
  let s1 = splitmix32();
  let s2 = splitmix32();
  let s3 = splitmix32();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const uniform = (): number => {
    const hi = nextUint32() >>> 5; // 27 bits
    const lo = nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  };
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const int = (n: number): number => Math.floor(uniform() * n);
  return { uniform, normal, int, nextUint32 };
}

/** A 32-bit seed from any parts (dataset, split, index, ...), stable across platforms. */
export function deriveSeed(...parts: readonly (string | number)[]): number {
  return seedFromString(parts.map(String).join("\u0000"));
}

function seedFromString(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32LE(0);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
