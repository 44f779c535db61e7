/**
 * WGSL kernels of the WebGPU backend (f32). Complex arrays are array<vec2<f32>> of n*n, row-major, the same
 * layout as the CPU backend. Every kernel uses 256-thread workgroups over a 2-D dispatch (x up to 32768
 * groups), so a 4096^2 grid stays inside the 65535-groups-per-dimension limit.
 */
const INDEX = /* wgsl */ `
fn flatIndex(gid: vec3<u32>, groups: vec3<u32>) -> u32 { return gid.x + gid.y * groups.x * 256u; }
fn wavenumber(i: u32, n: u32) -> f32 { return select(f32(i) - f32(n), f32(i), i < n / 2u); }
`;

/**
 * One radix-2 Stockham autosort stage (Govindaraju et al. 2008) along rows (elemStride 1, lineStride n) or
 * columns (elemStride n, lineStride 1). Thread j < n/2 of line L reads x[j], x[j + n/2], writes out[(j / ns) 2 ns
 * + j % ns] and that + ns. Twiddles come from an f64-computed table, so accuracy does not rest on WGSL sin/cos.
 */
export const FFT_STAGE = /* wgsl */ `
struct Stage { n: u32, ns: u32, lineStride: u32, elemStride: u32, twStep: u32, inverse: u32, lines: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> src: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> twiddle: array<vec2<f32>>;
@group(0) @binding(3) var<uniform> st: Stage;
${INDEX}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flatIndex(gid, groups);
  let half = st.n / 2u;
  if (t >= half * st.lines) { return; }
  let line = t / half;
  let j = t % half;
  let base = line * st.lineStride;
  let k = j % st.ns;
  var w = twiddle[k * st.twStep];
  if (st.inverse == 1u) { w.y = -w.y; }
  let x0 = src[base + j * st.elemStride];
  let y = src[base + (j + half) * st.elemStride];
  let x1 = vec2<f32>(y.x * w.x - y.y * w.y, y.x * w.y + y.y * w.x);
  let o = (j / st.ns) * 2u * st.ns + k;
  dst[base + o * st.elemStride] = x0 + x1;
  dst[base + (o + st.ns) * st.elemStride] = x0 - x1;
}
`;

/** From the vorticity DFT X: a = (kx + i ky) X / k^2 (-> u + i v), b = (i kx - ky) X (-> w_x + i w_y); mode 1: b = X. */
export const PREP = /* wgsl */ `
struct Prep { n: u32, mode: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read> x: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read_write> a: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> b: array<vec2<f32>>;
@group(0) @binding(3) var<uniform> pp: Prep;
${INDEX}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = flatIndex(gid, groups);
  if (o >= pp.n * pp.n) { return; }
  let kx = wavenumber(o / pp.n, pp.n);
  let ky = wavenumber(o % pp.n, pp.n);
  let k2 = kx * kx + ky * ky;
  let v = x[o];
  let inv = select(1.0 / k2, 0.0, k2 == 0.0);
  let p = v * inv;
  a[o] = vec2<f32>(kx * p.x - ky * p.y, kx * p.y + ky * p.x);
  if (pp.mode == 1u) { b[o] = v; } else { b[o] = vec2<f32>(-kx * v.y - ky * v.x, kx * v.x - ky * v.y); }
}
`;

/** b <- (u w_x + v w_y, 0) after the two inverse transforms (unnormalised: scale 1/n^4); max(|u|+|v|) by atomics. */
export const PRODUCT = /* wgsl */ `
struct Product { n: u32, pad: u32, invN2: f32, invN4: f32 }
@group(0) @binding(0) var<storage, read> a: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read_write> b: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> speed: array<atomic<u32>>;
@group(0) @binding(3) var<uniform> pr: Product;
var<workgroup> localMax: array<f32, 256>;
${INDEX}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let o = flatIndex(gid, groups);
  var s = 0.0;
  if (o < pr.n * pr.n) {
    let uv = a[o];
    let g = b[o];
    b[o] = vec2<f32>((uv.x * g.x + uv.y * g.y) * pr.invN4, 0.0);
    s = (abs(uv.x) + abs(uv.y)) * pr.invN2;
  }
  localMax[li] = s;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h = h / 2u) {
    if (li < h) { localMax[li] = max(localMax[li], localMax[li + h]); }
    workgroupBarrier();
  }
  // Non-negative IEEE floats order like their bit patterns, so an integer atomicMax finds the float maximum.
  if (li == 0u) { atomicMax(&speed[0], bitcast<u32>(localMax[0])); }
}
`;

/** r <- -N_hat - (nu k^2 + drag) X + F, zero outside the 2/3-rule box (and at k = 0). */
export const RHS = /* wgsl */ `
struct Rhs { n: u32, forceK: u32, nu: f32, drag: f32, forceValue: f32, cut: f32, pad0: f32, pad1: f32 }
@group(0) @binding(0) var<storage, read> x: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read> nl: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> r: array<vec2<f32>>;
@group(0) @binding(3) var<uniform> rh: Rhs;
${INDEX}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = flatIndex(gid, groups);
  if (o >= rh.n * rh.n) { return; }
  let i = o / rh.n;
  let j = o % rh.n;
  let kx = wavenumber(i, rh.n);
  let ky = wavenumber(j, rh.n);
  let k2 = kx * kx + ky * ky;
  if (abs(kx) >= rh.cut || abs(ky) >= rh.cut || k2 == 0.0) { r[o] = vec2<f32>(0.0, 0.0); return; }
  var f = 0.0;
  if (rh.forceK > 0u && i == 0u && (j == rh.forceK || j == rh.n - rh.forceK)) { f = rh.forceValue; }
  r[o] = -nl[o] - (rh.nu * k2 + rh.drag) * x[o] + vec2<f32>(f, 0.0);
}
`;

/** x <- c0 w + c1 (x + dt r): the three SSP-RK3 stages. */
export const COMBINE = /* wgsl */ `
struct Combine { n: u32, pad: u32, c0: f32, c1: f32, dt: f32, pad1: f32, pad2: f32, pad3: f32 }
@group(0) @binding(0) var<storage, read> w: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read_write> x: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> r: array<vec2<f32>>;
@group(0) @binding(3) var<uniform> cb: Combine;
${INDEX}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = flatIndex(gid, groups);
  if (o >= cb.n * cb.n) { return; }
  x[o] = cb.c0 * w[o] + cb.c1 * (x[o] + cb.dt * r[o]);
}
`;
