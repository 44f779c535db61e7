import { describe, expect, it } from "vitest";
import { createRng } from "@fieldbench/core";
import { planSplitK, type SplitKPlan } from "./webgpu-conv2d-backprop-filter.js";

// The WGSL kernel itself runs in webgpu-kernels.test.ts (on Mesa's lavapipe here, through the driver on the GPU
// machine: tools/gpu/conv-bench.ts, reports/). Here the tiling and split arithmetic is emulated step by step on
// the CPU and compared with the direct definition
//   dW[ky,kx,ci,co] = sum_{b,oy,ox} x[b, oy*s-pt+ky, ox*s-pl+kx, ci] * dy[b,oy,ox,co].

interface Geo {
  b: number;
  ih: number;
  iw: number;
  ci: number;
  oh: number;
  ow: number;
  co: number;
  fh: number;
  fw: number;
  s: number;
  pt: number;
  pl: number;
}

function direct(x: Float64Array, dy: Float64Array, g: Geo): Float64Array {
  const out = new Float64Array(g.fh * g.fw * g.ci * g.co);
  for (let ky = 0; ky < g.fh; ky++)
    for (let kx = 0; kx < g.fw; kx++)
      for (let ci = 0; ci < g.ci; ci++)
        for (let co = 0; co < g.co; co++) {
          let sum = 0;
          for (let b = 0; b < g.b; b++)
            for (let oy = 0; oy < g.oh; oy++)
              for (let ox = 0; ox < g.ow; ox++) {
                const iy = oy * g.s - g.pt + ky;
                const ix = ox * g.s - g.pl + kx;
                if (iy < 0 || iy >= g.ih || ix < 0 || ix >= g.iw) continue;
                sum +=
                  (x[((b * g.ih + iy) * g.iw + ix) * g.ci + ci] as number) *
                  (dy[((b * g.oh + oy) * g.ow + ox) * g.co + co] as number);
              }
          out[((ky * g.fw + kx) * g.ci + ci) * g.co + co] = sum;
        }
  return out;
}

/** Mirrors the WGSL: tiles of (k, co), register blocks, staged p-steps, split partials, ordered reduction. */
function emulate(x: Float64Array, dy: Float64Array, g: Geo, plan: SplitKPlan): Float64Array {
  const { k: K, co: CO, p: P, tileK: TK, tileC: TC, regK: RK, regC: RC, tileP: TP, splits, chunk } = plan;
  const TCT = TC / RC;
  const TKT = TK / RK;
  const tilesC = Math.ceil(CO / TC);
  const tiles = Math.ceil(K / TK) * tilesC;
  const partial = new Float64Array(splits * K * CO);
  for (let split = 0; split < splits; split++)
    for (let tile = 0; tile < tiles; tile++) {
      const k0 = Math.floor(tile / tilesC) * TK;
      const c0 = (tile % tilesC) * TC;
      const pStart = split * chunk;
      const pEnd = Math.min(pStart + chunk, P);
      const acc = Array.from({ length: 256 }, () => new Float64Array(RK * RC));
      for (let step = 0; step < chunk / TP; step++) {
        const p0 = pStart + step * TP;
        const As = new Float64Array(TP * TK);
        const Bs = new Float64Array(TP * TC);
        for (let e = 0; e < TP * TK; e++) {
          const pos = p0 + Math.floor(e / TK);
          const kr = k0 + (e % TK);
          if (pos >= pEnd || kr >= K) continue;
          const ox = pos % g.ow;
          const t = Math.floor(pos / g.ow);
          const oy = t % g.oh;
          const b = Math.floor(t / g.oh);
          const ci = kr % g.ci;
          const t2 = Math.floor(kr / g.ci);
          const kx = t2 % g.fw;
          const ky = Math.floor(t2 / g.fw);
          const iy = oy * g.s - g.pt + ky;
          const ix = ox * g.s - g.pl + kx;
          if (iy >= 0 && iy < g.ih && ix >= 0 && ix < g.iw)
            As[e] = x[((b * g.ih + iy) * g.iw + ix) * g.ci + ci] as number;
        }
        for (let e = 0; e < TP * TC; e++) {
          const pos = p0 + Math.floor(e / TC);
          const c = c0 + (e % TC);
          if (pos < pEnd && c < CO) Bs[e] = dy[pos * CO + c] as number;
        }
        for (let tid = 0; tid < 256; tid++) {
          const tc = tid % TCT;
          const tk = Math.floor(tid / TCT);
          for (let pp = 0; pp < TP; pp++)
            for (let i = 0; i < RK; i++)
              for (let j = 0; j < RC; j++)
                (acc[tid] as Float64Array)[i * RC + j] +=
                  (As[pp * TK + tk + i * TKT] as number) * (Bs[pp * TC + tc + j * TCT] as number);
        }
      }
      for (let tid = 0; tid < 256; tid++) {
        const tc = tid % TCT;
        const tk = Math.floor(tid / TCT);
        for (let i = 0; i < RK; i++)
          for (let j = 0; j < RC; j++) {
            const kr = k0 + tk + i * TKT;
            const c = c0 + tc + j * TCT;
            if (kr < K && c < CO) partial[(split * K + kr) * CO + c] = (acc[tid] as Float64Array)[i * RC + j] as number;
          }
      }
    }
  const out = new Float64Array(K * CO);
  for (let idx = 0; idx < K * CO; idx++)
    for (let s = 0; s < splits; s++) out[idx] += partial[s * K * CO + idx] as number;
  return out;
}

function randomArray(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}

describe("split-K Conv2DBackpropFilter plan", () => {
  it("keeps 256 threads, fits 16 KiB of workgroup memory and covers the reduction exactly", () => {
    for (const [k, co, p] of [
      [81, 64, 131072],
      [1600, 32, 131072],
      [800, 1, 131072],
      [576, 64, 16384],
      [45, 7, 120],
      [75, 1, 646],
    ] as const) {
      const plan = planSplitK(k, co, p);
      expect((plan.tileK / plan.regK) * (plan.tileC / plan.regC)).toBe(256);
      expect(plan.tileP * (plan.tileK + plan.tileC) * 4).toBeLessThanOrEqual(16384);
      expect(plan.chunk % plan.tileP).toBe(0);
      expect(plan.splits * plan.chunk).toBeGreaterThanOrEqual(p);
      expect((plan.splits - 1) * plan.chunk).toBeLessThan(p);
      expect(plan.splits * k * co).toBeLessThanOrEqual(16 * 1024 * 1024);
    }
  });

  it.each([
    // stride 2, 'same' padding on an odd-sized input: pad top/left = 1 for a 3x3 filter (TF's rule).
    {
      name: "3x3 stride 2 same",
      g: { b: 8, ih: 9, iw: 7, ci: 5, oh: 5, ow: 4, co: 7, fh: 3, fw: 3, s: 2, pt: 1, pl: 1 },
    },
    {
      name: "5x5 valid, one output channel",
      g: { b: 2, ih: 12, iw: 11, ci: 3, oh: 8, ow: 7, co: 1, fh: 5, fw: 5, s: 1, pt: 0, pl: 0 },
    },
    {
      name: "9x9 same, 1 -> 16",
      g: { b: 3, ih: 10, iw: 10, ci: 1, oh: 10, ow: 10, co: 16, fh: 9, fw: 9, s: 1, pt: 4, pl: 4 },
    },
  ])("emulated tiles equal the direct sum: $name", ({ g }) => {
    const x = randomArray(g.b * g.ih * g.iw * g.ci, 1);
    const dy = randomArray(g.b * g.oh * g.ow * g.co, 2);
    const plan = planSplitK(g.fh * g.fw * g.ci, g.co, g.b * g.oh * g.ow);
    const got = emulate(x, dy, g, plan);
    const want = direct(x, dy, g);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i] as number, 10);
    expect(plan.splits).toBeGreaterThan(1);
  });
});
