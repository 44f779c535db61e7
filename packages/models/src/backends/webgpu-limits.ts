/**
 * WebGPU's guaranteed compute limits, which fieldbench's WGSL kernels are sized to so that they run on any adapter
 * (Dawn on the GPU machine, lavapipe in the tests) without requesting higher limits.
 */

/** maxComputeInvocationsPerWorkgroup's default: the threads of one workgroup. */
export const WORKGROUP_THREADS = 256;

/** maxComputeWorkgroupStorageSize's default, 16 KiB, in float32s: room for all of a kernel's staged tiles. */
export const WORKGROUP_FLOATS = 4096;
