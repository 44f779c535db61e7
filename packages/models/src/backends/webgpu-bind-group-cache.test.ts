import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { NETS } from "../nets/nets.js";
import { flatAdam } from "../flat-adam.js";
import { createTrainStep } from "../train-step.js";
import { withSeededRandom } from "../train.js";
import { installBindGroupCache } from "./webgpu-bind-group-cache.js";
import { NO_ADAPTER, activateWebgpu } from "./webgpu-probe.js";

/** A device that counts the bind groups it really creates, and whose pipelines hand out a new layout per call. */
function fakeDevice() {
  let created = 0;
  const device = {
    createBindGroup: (d: { layout: object; entries: Iterable<unknown> }) => ({ made: ++created, layout: d.layout }),
    createComputePipeline: () => ({ getBindGroupLayout: (_index: number): object => ({}) }),
  };
  return { device, created: () => created };
}

describe("installBindGroupCache (a stand-in device)", () => {
  it("returns the same bind group for the same pipeline layout and buffers, a new one when any differs", () => {
    const { device, created } = fakeDevice();
    const { stats, uninstall } = installBindGroupCache(device);
    const pipeline = device.createComputePipeline();
    const [out, input, uniforms] = [{}, {}, {}];
    const group = (o: object, i: object, size?: number) =>
      device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: o } },
          { binding: 1, resource: { buffer: i, ...(size === undefined ? {} : { size }) } },
          { binding: 2, resource: { buffer: uniforms } },
        ],
      });
    const first = group(out, input);
    expect(group(out, input)).toBe(first);
    expect(group(input, out)).not.toBe(first);
    expect(group(out, input, 64)).not.toBe(first);
    expect(created()).toBe(3);
    expect(stats).toEqual({ hits: 1, misses: 3, bypassed: 0 });
    // Another pipeline: another layout, so a new bind group even over the same buffers.
    const other = device.createComputePipeline();
    device.createBindGroup({
      layout: other.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: out } }],
    });
    expect(created()).toBe(4);
    uninstall();
    expect(group(out, input)).not.toBe(first);
  });

  it("passes through descriptors with non-buffer resources, and empties itself at maxEntries", () => {
    const { device, created } = fakeDevice();
    const { stats } = installBindGroupCache(device, { maxEntries: 2 });
    const layout = device.createComputePipeline().getBindGroupLayout(0);
    const sampler = { kind: "sampler" };
    device.createBindGroup({ layout, entries: [{ binding: 0, resource: sampler }] });
    device.createBindGroup({ layout, entries: [{ binding: 0, resource: sampler }] });
    expect(stats.bypassed).toBe(2);
    const buffers = [{}, {}, {}];
    for (const buffer of buffers) device.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer } }] });
    // The third distinct key cleared the two before it: the first buffer's group is made again.
    device.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer: buffers[0] } }] });
    expect(created()).toBe(2 + 4);
  });
});

// The comparison installs the cache itself (the backend never does).
process.env.FIELDBENCH_WEBGPU_NO_BIND_GROUP_CACHE = "1";
const adapter = await activateWebgpu();
delete process.env.FIELDBENCH_WEBGPU_NO_BIND_GROUP_CACHE;

describe.skipIf(!adapter)(`bind-group cache on a real WebGPU device${adapter ? "" : ` (${NO_ADAPTER})`}`, () => {
  it("trains EDSR to bit-identical weights with the cache and without, hitting it from the second step on", async () => {
    const backend = tf.backend() as unknown as { device: Parameters<typeof installBindGroupCache>[0] };
    const run = async (cached: boolean) => {
      const model = withSeededRandom(3, () => NETS.edsr.build({ channels: 2, scale: 2 }));
      const optimizer = flatAdam(1e-3);
      const step = createTrainStep(model, optimizer, "meanAbsoluteError");
      const x = tf.tensor4d(
        Float32Array.from({ length: 2 * 8 * 8 * 2 }, (_, i) => Math.sin(i)),
        [2, 8, 8, 2],
      );
      const y = tf.tensor4d(
        Float32Array.from({ length: 2 * 16 * 16 * 2 }, (_, i) => Math.cos(i)),
        [2, 16, 16, 2],
      );
      const cache = cached
        ? installBindGroupCache(backend.device, {
            existingPipelines: Object.values((tf.backend() as unknown as { pipelineCache: object }).pipelineCache),
          })
        : undefined;
      for (let i = 0; i < 3; i++) {
        const loss = step(x, y);
        await loss.data();
        loss.dispose();
      }
      const weights = await Promise.all(model.getWeights().map((w) => w.data()));
      const stats = cache ? { ...cache.stats } : undefined;
      cache?.uninstall();
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
      return { weights, stats };
    };
    const plain = await run(false);
    const cached = await run(true);
    expect(cached.weights.map((w) => Array.from(w))).toEqual(plain.weights.map((w) => Array.from(w)));
    expect(cached.stats?.hits).toBeGreaterThan(0);
  }, 300_000);
});
