import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateNskt } from "../generate.js";
import { setWebGpuFlags } from "./device.js";
import { createWebGpuSolver } from "./solver-webgpu.js";

// Dawn's null backend runs no shaders (the numbers are meaningless) but drives the real host path: pipelines, bind
// groups, submits, readbacks and the time loop. The numerics are checked against the CPU solver on the GPU machine
// (src/device/compare.ts, reports/).
setWebGpuFlags(["backend=null"]);
const dir = mkdtempSync(join(tmpdir(), "nskt-webgpu-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("WebGPU solver host path (Dawn null backend)", () => {
  it("advanceTo without a callback steps and stops exactly at the target", async () => {
    // Regression: `onStep?.(await step())` never stepped when onStep was undefined (an endless synchronous loop).
    const s = await createWebGpuSolver({ n: 32, re: 16000, seed: 1, k0: 4, cfl: 0.5, dt: 0.01 });
    await s.advanceTo(0.05);
    expect(s.time).toBe(0.05);
    expect(s.steps).toBe(5);
    const snap = await s.snapshot();
    expect(snap.u).toHaveLength(32 * 32);
    expect(snap.w).toHaveLength(32 * 32);
    s.dispose();
  });

  it("generateNskt with --backend webgpu writes all five splits", async () => {
    const card = await generateNskt({
      out: join(dir, "gpu"),
      re: 16000,
      size: 64,
      snapshots: 10,
      seed: 1,
      backend: "webgpu",
      tStart: 0.02,
      interval: 0.01,
      dt: 0.005, // the null backend's speed readback is arbitrary, so no CFL rule here
    });
    expect(card.files).toHaveLength(5);
    expect(card.parameters.backend).toBe("webgpu");
  });
});
