// The one bundle that travels to the GPU machine (tools/bundle-gpu.sh, docs/gpu-runs.md). Two kinds of work, one build,
// so tfjs, h5wasm and the solver travel once (the travel limit is 64 MiB):
//   node .device/app/app.mjs <fieldbench arguments>   the fieldbench CLI itself: train, run superbench, datasets
//                                                     generate, score, ... exactly as `npx fieldbench` runs them here
//   node .device/app/app.mjs job <name> [arguments]   a GPU-only job from tools/gpu/: benchmarks, sweeps, profiles
// A job module runs when imported and reads process.argv as if it had been started alone.
const JOBS = {
  bench: {
    load: () => import("./gpu/bench.ts"),
    args: "OUT_DIR",
    summary: "train step + 2048² inference vs PyTorch (npm run bench:gpu's benchmark)",
  },
  "conv-bench": {
    load: () => import("./gpu/conv-bench.ts"),
    args: "OUT_DIR",
    summary: "split-K filter gradient vs tfjs's stock kernel: agreement, kernel and step times",
  },
  sweep: {
    load: () => import("./gpu/gemm-sweep.ts"),
    args: "OUT_DIR",
    summary: "tile shapes of the implicit-GEMM conv kernel",
  },
  "host-profile": {
    load: () => import("./gpu/host-profile.ts"),
    args: "",
    summary: "where tfjs-webgpu's host time goes in an EDSR step",
  },
  "field-time": {
    load: () => import("./gpu/field-time.ts"),
    args: "--model DIR --data DIR [--dataset K --task T]",
    summary: "one full-field inference of a model package, timed",
  },
  generate: {
    load: () => import("./gpu/datagen-generate.ts"),
    args: "--out DIR --data DIR [--size N --snapshots N --re 16000,32000 ...]",
    summary: "NSKT datasets for several Re in one process, cards copied to --out, with a stall watchdog",
  },
  "datagen-bench": {
    load: () => import("./gpu/datagen-bench.ts"),
    args: "OUT_DIR [--sizes 2048,512] [--batches 1,2,4]",
    summary: "the NSKT solver: CPU agreement, time per step, determinism and batching",
  },
  "datagen-calibrate": {
    load: () => import("./gpu/datagen-calibrate.ts"),
    args: "OUT_DIR [--re 16000,32000 --k0 8,12,16,20 --times 0.5,1,2,3 --size 2048]",
    summary: "NSKT generator parameters against SuperBench's bicubic rows",
  },
};

const [first, name, ...rest] = process.argv.slice(2);
if (first !== "job") {
  // The CLI's own entry (packages/cli/src/bin.ts) reads process.argv.slice(2), which is already the CLI's.
  await import("../packages/cli/src/bin.ts");
} else if (name in JOBS) {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await JOBS[name].load();
} else {
  const list = Object.entries(JOBS).map(([job, { args, summary }]) => `  job ${job} ${args}\n      ${summary}`);
  const known = name === undefined || name === "--help" || name === "-h";
  (known ? console.log : console.error)(
    `${known ? "" : `unknown job "${name}"\n`}usage: app.mjs <fieldbench arguments> | app.mjs job <name> [arguments]\n${list.join("\n")}`,
  );
  process.exitCode = known ? 0 : 2;
}
