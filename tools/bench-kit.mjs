// Shared pieces of the benchmarks (packages/*/bench/*.bench.mjs): timing with a median, garbage collected
// between repeats (benches run with --expose-gc), so each bench only says what it measures.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * A timer that runs `body` `repeats` times and returns the median wall time in ms, the range of the runs
 * (`min`, `max`: on a shared machine the spread says how far to trust a ratio) and the last result.
 */
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
    return { ms: median(times), min: Math.min(...times), max: Math.max(...times), result };
  };
}

/** "median (min-max)" in ms, as the bench tables print a timing. */
export function formatTiming({ ms, min, max }) {
  return `${ms.toFixed(1)} (${min.toFixed(1)}-${max.toFixed(1)})`;
}

/** Python's side of the same measurement: median, min and max of `repeats` runs, in ms (paste into a -c script). */
export const PYTHON_TIMING = `
def timing(f, repeats):
    import time
    times, value = [], None
    for _ in range(repeats):
        t0 = time.perf_counter(); value = f(); times.append((time.perf_counter() - t0) * 1000)
    return {"ms": sorted(times)[len(times) // 2], "min": min(times), "max": max(times)}, value
`;
