// ci-score sandbox overhead: each example package (JS, TF.js, ONNX) scored by `ciScore` under bubblewrap and with
// --no-sandbox (Node's permission model alone), median of 3 runs each, alternating. The difference is what the OS
// sandbox costs a package: namespaces, binds, the tmpfs, prlimit, the cgroup. Target: under 1 s a package.
import { join } from "node:path";
import { ciScore, probeSandbox } from "@fieldbench/superbench";
import { median } from "../../../tools/bench-kit.mjs";

const examples = new URL("../../../examples/model-packages/", import.meta.url).pathname;
const REPEATS = Number(process.env.SANDBOX_BENCH_REPEATS ?? 3);
const probe = probeSandbox();
if (!probe.ok) {
  console.log(`bubblewrap unavailable (${probe.reason}): nothing to measure`);
  process.exit(1);
}
console.log("| package | bubblewrap | --no-sandbox | overhead | target < 1000 ms |");
console.log("| --- | --- | --- | --- | --- |");
let over = 0;
for (const name of ["js-bicubic", "tfjs-srcnn", "onnx-cubic"]) {
  const times = { sandboxed: [], plain: [] };
  let rfne = { sandboxed: undefined, plain: undefined };
  for (let i = 0; i < REPEATS; i++) {
    for (const sandbox of [true, false]) {
      globalThis.gc?.();
      const t0 = performance.now();
      const outcome = await ciScore(join(examples, name), { sandbox });
      const key = sandbox ? "sandboxed" : "plain";
      times[key].push(performance.now() - t0);
      rfne[key] = outcome.result.splits.test_1.metrics.rfne;
    }
  }
  const s = median(times.sandboxed);
  const p = median(times.plain);
  if (s - p >= 1000) over++;
  const same = rfne.sandboxed === rfne.plain ? "same rfne" : `rfne DIFFERS ${rfne.sandboxed} vs ${rfne.plain}`;
  console.log(`| ${name} (${same}) | ${s.toFixed(0)} ms | ${p.toFixed(0)} ms | ${(s - p).toFixed(0)} ms | ${s - p < 1000 ? "ok" : "OVER"} |`);
}
process.exit(over === 0 ? 0 : 1);
