/**
 * Reuses WebGPU bind groups across tfjs-webgpu dispatches.
 *
 * tfjs-webgpu creates a bind group for every dispatch (the output, the inputs, a uniform buffer). On the H200 machine's
 * host that call cost 25 us, 12.5 of the ~65 ms of host work in an EDSR training step, which the GPU then waits for
 * (tools/profiling/webgpu-host-profile.ts; reports/bench-gpu-2026-11-29-gemm.md). tfjs draws its buffers from a pool,
 * so in a training loop the same (pipeline layout, buffers) combinations come back every step: a bind group is a
 * pure function of them, and this cache hands back the one already made. Bind groups name buffers, not their
 * contents, so uniform buffers rewritten between dispatches stay correct; a destroyed buffer is never handed out
 * again by tfjs (a new buffer is a new object with a new id), so a stale entry can only cost memory, bounded by
 * `maxEntries`.
 */

/** The parts of GPUDevice this needs (Dawn's node bindings and browsers both have them). */
export interface BindGroupDevice {
  createBindGroup(descriptor: BindGroupDescriptor): unknown;
  createComputePipeline?(descriptor: unknown): PipelineLike;
  createComputePipelineAsync?(descriptor: unknown): Promise<PipelineLike>;
}

interface BindGroupDescriptor {
  layout: object;
  entries: Iterable<{ binding: number; resource: unknown }>;
  label?: string;
}

interface PipelineLike {
  getBindGroupLayout(index: number): object;
}

export interface BindGroupCacheStats {
  hits: number;
  misses: number;
  /** Descriptors with a resource that is not a buffer binding: passed through. */
  bypassed: number;
}

/** A stable small id per object (layouts and buffers), without keeping the object alive. */
function idOf(ids: WeakMap<object, number>, next: { value: number }, o: object): number {
  let id = ids.get(o);
  if (id === undefined) {
    id = next.value++;
    ids.set(o, id);
  }
  return id;
}

/** The cache key of a descriptor whose resources are all `{ buffer, offset?, size? }`; undefined otherwise. */
export function bindGroupKey(descriptor: BindGroupDescriptor, id: (o: object) => number): string | undefined {
  let key = `${id(descriptor.layout)}`;
  for (const { binding, resource } of descriptor.entries) {
    const r = resource as { buffer?: unknown; offset?: number; size?: number } | null;
    if (r === null || typeof r !== "object" || typeof r.buffer !== "object" || r.buffer === null) return undefined;
    key += `|${binding}:${id(r.buffer)}:${r.offset ?? 0}:${r.size ?? -1}`;
  }
  return key;
}

/**
 * Wraps `device.createBindGroup` with the cache, and the device's compute-pipeline constructors so that each
 * pipeline hands out one layout object per index (Dawn's bindings return a new wrapper per call, which would make
 * every key new). Returns the statistics and a function that restores the device's own methods.
 */
export function installBindGroupCache(
  device: BindGroupDevice,
  options: { maxEntries?: number; existingPipelines?: Iterable<unknown> } = {},
): { stats: BindGroupCacheStats; uninstall: () => void } {
  const maxEntries = options.maxEntries ?? 8192;
  const ids = new WeakMap<object, number>();
  const next = { value: 1 };
  const id = (o: object) => idOf(ids, next, o);
  const cache = new Map<string, unknown>();
  const stats: BindGroupCacheStats = { hits: 0, misses: 0, bypassed: 0 };
  const own = {
    createBindGroup: device.createBindGroup,
    createComputePipeline: device.createComputePipeline,
    createComputePipelineAsync: device.createComputePipelineAsync,
  };
  const memoizeLayouts = (pipeline: PipelineLike): PipelineLike => {
    const layouts = new Map<number, object>();
    const get = pipeline.getBindGroupLayout.bind(pipeline);
    pipeline.getBindGroupLayout = (index: number) => {
      let layout = layouts.get(index);
      if (layout === undefined) {
        layout = get(index);
        layouts.set(index, layout);
      }
      return layout;
    };
    return pipeline;
  };
  // Pipelines compiled before the cache (tfjs keeps them in its pipeline cache) get the same memoised layouts.
  for (const pipeline of options.existingPipelines ?? [])
    if (pipeline !== null && typeof (pipeline as PipelineLike).getBindGroupLayout === "function")
      memoizeLayouts(pipeline as PipelineLike);
  device.createBindGroup = function (this: unknown, descriptor: BindGroupDescriptor) {
    const key = bindGroupKey(descriptor, id);
    if (key === undefined) {
      stats.bypassed++;
      return own.createBindGroup.call(device, descriptor);
    }
    const cached = cache.get(key);
    if (cached !== undefined) {
      stats.hits++;
      return cached;
    }
    stats.misses++;
    if (cache.size >= maxEntries) cache.clear();
    const group = own.createBindGroup.call(device, descriptor);
    cache.set(key, group);
    return group;
  };
  if (own.createComputePipeline)
    device.createComputePipeline = (descriptor: unknown) =>
      memoizeLayouts(
        (own.createComputePipeline as NonNullable<typeof own.createComputePipeline>).call(device, descriptor),
      );
  if (own.createComputePipelineAsync)
    device.createComputePipelineAsync = async (descriptor: unknown) =>
      memoizeLayouts(
        await (own.createComputePipelineAsync as NonNullable<typeof own.createComputePipelineAsync>).call(
          device,
          descriptor,
        ),
      );
  return {
    stats,
    uninstall: () => {
      device.createBindGroup = own.createBindGroup;
      if (own.createComputePipeline) device.createComputePipeline = own.createComputePipeline;
      if (own.createComputePipelineAsync) device.createComputePipelineAsync = own.createComputePipelineAsync;
      cache.clear();
    },
  };
}
