// Shared pieces of the benchmarks (packages/*/bench/*.bench.mjs): timing with a median, garbage collected
// between repeats (benches run with --expose-gc), so each bench only says what it measures.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A timer that runs `body` `repeats` times and returns the median wall time in ms and the last result. */
export function makeTimer(repeats) {
  return async function timeIt(body) {
    const times = [];
    let result;
    for (let i = 0; i < repeats; i++) {
      globalThis.gc?.();
      const t0 = performance.now();
      result = await body();
      times.push(performance.now() - t0);
    }
    return { ms: median(times), result };
  };
}
