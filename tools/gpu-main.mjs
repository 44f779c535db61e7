// The one bundle that travels to the GPU machine (tools/bundle-gpu.sh): the first argument picks the job, so
// tfjs, h5wasm and the solver are carried once (the travel limit is 64 MiB) and every job comes from one build.
//   node .device/app/app.mjs bench OUT            npm run bench:gpu (train step + 2048² inference vs PyTorch)
//   node .device/app/app.mjs generate --out ...   NSKT datasets (tools/gpu/datagen-generate.ts)
//   node .device/app/app.mjs datagen-bench OUT     NSKT solver: CPU agreement, time per step, determinism
//   node .device/app/app.mjs datagen-calibrate OUT NSKT generator parameters against SuperBench's bicubic rows
//   node .device/app/app.mjs train --out ...      baselines: train, score, time (superbench's device entry)
//   node .device/app/app.mjs sweep OUT            tile shapes of the implicit-GEMM conv kernel
//   node .device/app/app.mjs host-profile         where tfjs-webgpu's host time goes in an EDSR step
const jobs = {
  bench: () => import("../packages/models/src/device/bench-gpu.ts"),
  generate: () => import("./gpu/datagen-generate.ts"),
  "datagen-bench": () => import("./gpu/datagen-bench.ts"),
  "datagen-calibrate": () => import("./gpu/datagen-calibrate.ts"),
  train: () => import("../packages/superbench/src/device/train-baselines.ts"),
  sweep: () => import("../packages/models/src/device/gemm-sweep.ts"),
  "host-profile": () => import("./profiling/webgpu-host-profile.ts"),
};
const [job, ...rest] = process.argv.slice(2);
if (!(job in jobs)) {
  console.error(`usage: app.mjs ${Object.keys(jobs).join("|")} ARGS (got ${job ?? "nothing"})`);
  process.exit(2);
}
// Each entry reads process.argv as if it had been started alone.
process.argv = [process.argv[0], process.argv[1], ...rest];
await jobs[job]();
