import { createRng } from "@fieldbench/core";

/**
 * The measure the WebGPU kernels are held to: max |actual - reference| over max |reference|, the worst error in
 * units of the reference's largest value (element-wise relative error blows up where the reference crosses zero).
 */
export function maxRelativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (reference[i] as number)));
    scale = Math.max(scale, Math.abs(reference[i] as number));
  }
  return diff / scale;
}

/** n standard normal float32 values from a seeded generator: the same operands on every run and machine. */
export function seededNormals(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}
