import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateRelease } from "./release-generate.js";
import { openGpuDevice } from "./webgpu/device.js";

// Release generation through the WebGPU batch solver on a real Vulkan device (Mesa's lavapipe in CI, the GPU on
// the GPU machine): the same command twice gives bit-identical values, and so does another batch size.
/** Why this file is skipped here, or undefined when a WebGPU device opens (a GPU, or lavapipe). */
const noDevice = await openGpuDevice().then(
  () => undefined,
  (err: Error) => `skipped: ${err.message} (\`npm run test:system-deps\` installs Mesa's lavapipe)`,
);
const root = mkdtempSync(join(tmpdir(), "nskt-release-gpu-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const options = {
  release: "nskt32k-fb-v1",
  size: { train: 2, valid: 1, test: 1 },
  // No LR run: each LR snapshot is one more device read-back, and the LR solver is the same code.
  overrides: { size: 32, lrFactor: 0, k0: 4, tStart: 0.05, interval: 0.02 },
  backend: "webgpu",
} as const;

describe.skipIf(noDevice !== undefined)(`generateRelease on WebGPU ${noDevice ?? ""}`, () => {
  it("regenerates bit-identical values, batched in 2s or one trajectory at a time", async () => {
    // Generated twice in one run: once with the 2 train trajectories in one batch, once one at a time.
    const a = await generateRelease({ ...options, out: join(root, "a"), batch: 2 });
    const c = await generateRelease({ ...options, out: join(root, "c"), batch: 1 });
    const values = (r: typeof a) => r.card!.files.map((f) => f.valueSha256);
    expect(values(c)).toEqual(values(a));
    // Float32 on the GPU is not float64 on the CPU: the values are not the CPU run's (they differ in every bit
    // pattern), which is why verify --statistics exists.
    const cpu = await generateRelease({ ...options, backend: "cpu", out: join(root, "cpu") });
    expect(cpu.card!.dataset.testValueSha256).not.toBe(a.card!.dataset.testValueSha256);
    expect(a.card!.dataset.testValueSha256).toBe(c.card!.dataset.testValueSha256);
  });
});
