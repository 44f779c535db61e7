import { spawnSync } from "node:child_process";

/**
 * Test helper: runs a script under Debian's /usr/bin/python3 (numpy, scipy, scikit-image) and parses the JSON it
 * prints. The independent reference for the metrics tests.
 */
export function runPython(script: string, args: readonly string[] = []): unknown {
  const run = spawnSync("/usr/bin/python3", ["-c", script, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`python failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** Seeded test data: a smooth random field plus noise, float32, [C, H, W]. */
export function randomField(seed: number, c: number, h: number, w: number, noise = 0.3): Float32Array {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    const a = 1 + next() * 3;
    const b = 1 + next() * 3;
    const phase = next() * 6;
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const x = (2 * Math.PI * i) / h;
        const y = (2 * Math.PI * j) / w;
        out[ch * h * w + i * w + j] = Math.sin(a * x + phase) * Math.cos(b * y) + noise * (next() - 0.5) + ch;
      }
    }
  }
  return out;
}
