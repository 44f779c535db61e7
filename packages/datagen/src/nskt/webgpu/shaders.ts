/**
 * Element-wise WGSL kernels of the WebGPU backend (f32) over a batch of independent trajectories. Complex arrays
 * are array<vec2<f32>> of batch x n x n, row-major per trajectory, the layout of the CPU backend. Element kernels
 * use 256-thread workgroups over a 2-D dispatch (x up to 32768 groups), so batch x n^2 may exceed 65535 x 256.
 * The FFTs are in fft-wgsl.ts.
 *
 * The time step is chosen on the GPU (DT), from the CFL speed that the first stage's PRODUCT reduced, so a step
 * needs no read-back; each trajectory has its own dt, remaining time and step count in `ctl`.
 */
const COMMON = /* wgsl */ `
struct Params {
  n: u32, n2: u32, batch: u32, forceK: u32,
  nu: f32, drag: f32, forceValue: f32, cut: f32,
  invN2: f32, invN4: f32, cflDx: f32, dtViscous: f32,
  fixedDt: f32, pad0: f32, pad1: f32, pad2: f32,
}
/** Per trajectory: time left to the target, this step's dt, the CFL speed it came from, time, steps taken. */
struct Ctl { remaining: f32, dt: f32, speed: f32, time: f32, steps: u32, pad0: u32, pad1: u32, pad2: u32 }
fn flatIndex(gid: vec3<u32>, groups: vec3<u32>) -> u32 { return gid.x + gid.y * groups.x * 256u; }
fn wavenumber(i: u32, n: u32) -> f32 { return select(f32(i) - f32(n), f32(i), i < n / 2u); }
`;

/** From the vorticity DFT X: a = (kx + i ky) X / k^2 (-> u + i v), b = (i kx - ky) X (-> w_x + i w_y); mode 1: b = X. */
const PREP_BODY = /* wgsl */ `
fn prep(o: u32, v: vec2<f32>, mode: u32) {
  let local = o % pm.n2;
  let kx = wavenumber(local / pm.n, pm.n);
  let ky = wavenumber(local % pm.n, pm.n);
  let k2 = kx * kx + ky * ky;
  let inv = select(1.0 / k2, 0.0, k2 == 0.0);
  let p = v * inv;
  a[o] = vec2<f32>(kx * p.x - ky * p.y, kx * p.y + ky * p.x);
  if (mode == 1u) { b[o] = v; } else { b[o] = vec2<f32>(-kx * v.y - ky * v.x, kx * v.x - ky * v.y); }
}
`;

export const PREP = /* wgsl */ `
${COMMON}
struct Mode { mode: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> x: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read_write> a: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> b: array<vec2<f32>>;
@group(0) @binding(3) var<uniform> pm: Params;
@group(0) @binding(4) var<uniform> md: Mode;
${PREP_BODY}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = flatIndex(gid, groups);
  if (o >= pm.n2 * pm.batch) { return; }
  prep(o, x[o], md.mode);
}
`;

/**
 * b <- (u w_x + v w_y, 0) after the two inverse transforms (unnormalised: scale 1/n^4). With record = 1 (the first
 * stage), also max(|u| + |v|) per trajectory by atomics: a 256-thread workgroup never straddles two trajectories
 * (n^2 is a multiple of 256 for n >= 16).
 */
export const PRODUCT = /* wgsl */ `
${COMMON}
struct Record { record: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> a: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read_write> b: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> speed: array<atomic<u32>>;
@group(0) @binding(3) var<uniform> pm: Params;
@group(0) @binding(4) var<uniform> rc: Record;
var<workgroup> localMax: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let o = flatIndex(gid, groups);
  var s = 0.0;
  let inside = o < pm.n2 * pm.batch;
  if (inside) {
    let uv = a[o];
    let g = b[o];
    b[o] = vec2<f32>((uv.x * g.x + uv.y * g.y) * pm.invN4, 0.0);
    s = (abs(uv.x) + abs(uv.y)) * pm.invN2;
  }
  if (rc.record == 0u) { return; }
  localMax[li] = s;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h = h / 2u) {
    if (li < h) { localMax[li] = max(localMax[li], localMax[li + h]); }
    workgroupBarrier();
  }
  // Non-negative IEEE floats order like their bit patterns, so an integer atomicMax finds the float maximum.
  if (li == 0u && inside) { atomicMax(&speed[o / pm.n2], bitcast<u32>(localMax[0])); }
}
`;

/**
 * One thread per trajectory: dt = min(fixed dt, or min(cfl dx / speed, 2 / (nu kmax^2)); remaining time), the rule of
 * the CPU backend; a trajectory that reached its target gets dt = 0 and stands still (UPDATE copies its state).
 */
export const DT = /* wgsl */ `
${COMMON}
@group(0) @binding(0) var<storage, read_write> speed: array<atomic<u32>>;
@group(0) @binding(1) var<storage, read_write> ctl: array<Ctl>;
@group(0) @binding(2) var<uniform> pm: Params;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  if (t >= pm.batch) { return; }
  let u = bitcast<f32>(atomicExchange(&speed[t], 0u));
  var c = ctl[t];
  var dt = pm.fixedDt;
  if (dt <= 0.0) {
    dt = pm.dtViscous;
    if (u > 0.0) { dt = min(pm.cflDx / u, dt); }
  }
  if (c.remaining <= 0.0) {
    dt = 0.0;
  } else if (c.remaining - dt <= 1e-4 * dt) {
    // Within 0.01% of the target: take the rest now, rather than a last step of f32 round-off.
    dt = c.remaining;
    c.remaining = 0.0;
  } else {
    c.remaining = c.remaining - dt;
  }
  if (dt > 0.0) {
    c.time = c.time + dt;
    c.steps = c.steps + 1u;
    c.speed = u;
  }
  c.dt = dt;
  ctl[t] = c;
}
`;

/**
 * One SSP-RK3 stage, fused: r = -N_hat - (nu k^2 + drag) X + F (zero outside the 2/3-rule box and at k = 0), then
 * y = c0 w + c1 (X + dt r) and the next right-hand side's PREP from y. Stage 1: X = w, y -> s; stage 2: X = s,
 * y -> s; stage 3: X = s, y -> w. Everything is per element, so w and s are read and written by the same thread.
 */
export const UPDATE = /* wgsl */ `
${COMMON}
struct Stage { stage: u32, pad0: u32, c0: f32, c1: f32 }
@group(0) @binding(0) var<storage, read_write> w: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read_write> s: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> a: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> b: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read> ctl: array<Ctl>;
@group(0) @binding(5) var<uniform> pm: Params;
@group(0) @binding(6) var<uniform> sg: Stage;
${PREP_BODY}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = flatIndex(gid, groups);
  if (o >= pm.n2 * pm.batch) { return; }
  let local = o % pm.n2;
  let i = local / pm.n;
  let j = local % pm.n;
  let kx = wavenumber(i, pm.n);
  let ky = wavenumber(j, pm.n);
  let k2 = kx * kx + ky * ky;
  let wo = w[o];
  let x = select(s[o], wo, sg.stage == 1u);
  let dt = ctl[o / pm.n2].dt;
  var y = x;
  if (dt > 0.0) {
    var r = vec2<f32>(0.0, 0.0);
    if (abs(kx) < pm.cut && abs(ky) < pm.cut && k2 != 0.0) {
      var f = 0.0;
      if (pm.forceK > 0u && i == 0u && (j == pm.forceK || j == pm.n - pm.forceK)) { f = pm.forceValue; }
      r = -b[o] - (pm.nu * k2 + pm.drag) * x + vec2<f32>(f, 0.0);
    }
    y = sg.c0 * wo + sg.c1 * (x + dt * r);
  }
  if (sg.stage == 3u) { w[o] = y; } else { s[o] = y; }
  prep(o, y, 0u);
}
`;

/** u, v, w of trajectory `which` as real f32 [3, n, n] from a = u + i v and b = w (unnormalised inverse DFTs). */
export const PACK = /* wgsl */ `
${COMMON}
struct Which { which: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> a: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> pm: Params;
@group(0) @binding(4) var<uniform> wh: Which;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = flatIndex(gid, groups);
  if (o >= pm.n2) { return; }
  let src = wh.which * pm.n2 + o;
  let uv = a[src];
  out[o] = uv.x * pm.invN2;
  out[pm.n2 + o] = uv.y * pm.invN2;
  out[2u * pm.n2 + o] = b[src].x * pm.invN2;
}
`;
