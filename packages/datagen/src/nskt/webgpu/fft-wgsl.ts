import { FieldbenchError } from "@fieldbench/core";

/**
 * Workgroup-memory FFT in WGSL: one workgroup transforms `lines` whole lines of `points` complex f32 values held in
 * workgroup storage (radix-2 Stockham stages between barriers), so a 2-D transform is two passes through global
 * memory (rows, then columns) instead of 2 log2(n) passes. A 2048-point line is 16 KiB; the 48 KiB limit of
 * workgroup storage bounds lines x points at 4096 (32 KiB), which leaves room for two workgroups per 64 KiB.
 *
 * Data layout: array<vec2<f32>> of batch x n x n, row-major per trajectory. Rows: element stride 1, line stride n;
 * columns: element stride n, line stride 1. Columns are loaded line-fastest (neighbouring threads read neighbouring
 * columns of one row), rows element-fastest, so both loads touch contiguous runs of global memory.
 */
export interface LineFftPlan {
  /** Points per line (the grid size n, a power of two). */
  points: number;
  /** Lines per workgroup. */
  lines: number;
  /** Threads per workgroup. */
  threads: number;
  axis: "rows" | "columns";
}

/** Largest lines x points held in one workgroup: 32 KiB of vec2<f32>, or less where the device allows less. */
export function lineFftPlan(n: number, axis: "rows" | "columns", workgroupBytes = 32768): LineFftPlan {
  const maxPoints = Math.min(4096, 2 ** Math.floor(Math.log2(workgroupBytes / 8)));
  if (n > maxPoints) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `a ${n}-point FFT line needs ${n * 8} bytes of workgroup storage; this device allows ${workgroupBytes}`,
    );
  }
  // Rows: one 2048-point line per workgroup, more lines for small grids so a workgroup has work for its threads.
  // Columns: at least 2 lines, so each row segment read is 16 bytes (two complex values) and not 8.
  const want = axis === "rows" ? Math.max(1, 512 / n) : Math.max(2, 1024 / n);
  const lines = Math.min(n, want, Math.max(1, maxPoints / n));
  const threads = Math.min(256, (lines * n) / 2);
  return { points: n, lines, threads, axis };
}

/**
 * WGSL for one pass of line FFTs. Bindings: 0 data (read_write, transformed in place), 1 twiddles exp(-2 pi i k / n)
 * for k < n/2 (computed in f64 on the host), 2 uniform { inverse }. Dispatch (n / lines, batch).
 */
export function lineFftShader(plan: LineFftPlan): string {
  const { points: n, lines, threads, axis } = plan;
  const total = lines * n;
  const log2n = Math.log2(n);
  // Butterflies per thread per stage, unrolled so their values stay in registers across the barrier.
  const per = total / 2 / threads;
  const lineStride = axis === "rows" ? n : 1;
  const elemStride = axis === "rows" ? 1 : n;
  // Which (line, element) the idx-th load of a workgroup touches: element-fastest for rows, line-fastest for columns.
  const decode =
    axis === "rows"
      ? `let line = idx / ${n}u; let e = idx % ${n}u;`
      : `let line = idx % ${lines}u; let e = idx / ${lines}u;`;
  return /* wgsl */ `
struct Fft { inverse: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read_write> data: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read> twiddle: array<vec2<f32>>;
@group(0) @binding(2) var<uniform> fp: Fft;
var<workgroup> sh: array<vec2<f32>, ${total}>;

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> { return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let base = wg.y * ${n * n}u + wg.x * ${lines}u * ${lineStride}u;
  for (var idx = t; idx < ${total}u; idx += ${threads}u) {
    ${decode}
    sh[line * ${n}u + e] = data[base + line * ${lineStride}u + e * ${elemStride}u];
  }
  workgroupBarrier();
  let sign = select(1.0, -1.0, fp.inverse == 1u);
${unrolled(per, (q) => `  let j${q} = (t + ${q * threads}u) % ${n / 2}u;\n  let l${q} = ((t + ${q * threads}u) / ${n / 2}u) * ${n}u;`)}
  // Stockham radix-2: butterfly j of a line reads j and j + n/2, writes (j / ns) 2 ns + j % ns and that + ns.
  // Stages are unrolled so every ns is a constant power of two: divisions become shifts and masks.
${Array.from({ length: log2n }, (_, stage) => stageCode(stage, n, per)).join("\n")}
  for (var idx = t; idx < ${total}u; idx += ${threads}u) {
    ${decode}
    data[base + line * ${lineStride}u + e * ${elemStride}u] = sh[line * ${n}u + e];
  }
}
`;
}

/** One radix-2 Stockham stage of span ns = 2^stage for the `per` butterflies a thread owns (j0.., l0.. in scope). */
function stageCode(stage: number, n: number, per: number): string {
  const ns = 2 ** stage;
  const twStride = n / 2 / ns;
  const read = unrolled(
    per,
    (q) => `    var w${q} = twiddle[(j${q} & ${ns - 1}u) * ${twStride}u];
    w${q}.y = w${q}.y * sign;
    let a${q} = sh[l${q} + j${q}];
    let c${q} = cmul(sh[l${q} + j${q} + ${n / 2}u], w${q});`,
  );
  const write = unrolled(
    per,
    (q) => `    let o${q} = l${q} + ((j${q} >> ${stage}u) << ${stage + 1}u) + (j${q} & ${ns - 1}u);
    sh[o${q}] = a${q} + c${q};
    sh[o${q} + ${ns}u] = a${q} - c${q};`,
  );
  return `  {
${read}
    workgroupBarrier();
${write}
    workgroupBarrier();
  }`;
}

function unrolled(count: number, body: (q: number) => string): string {
  return Array.from({ length: count }, (_, q) => body(q)).join("\n");
}

/** Twiddle table exp(-2 pi i k / n), k < n/2, interleaved (re, im), computed in f64. */
export function twiddleTable(n: number): Float32Array {
  const tw = new Float32Array(Math.max(n, 2));
  for (let k = 0; k < n / 2; k++) {
    tw[2 * k] = Math.cos((2 * Math.PI * k) / n);
    tw[2 * k + 1] = -Math.sin((2 * Math.PI * k) / n);
  }
  return tw;
}
