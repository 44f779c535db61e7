import * as tf from "@tensorflow/tfjs-core";

/**
 * Replaces webgpu kernels by name, each built from the stock kernel it falls back to for shapes it does not take, so
 * model code does not change. All stock kernels are looked up before any is replaced. Returns a function that puts
 * the stock kernels back (for A/B measurements and tests).
 */
export function overrideWebgpuKernels(
  replacements: Record<string, (stock: tf.KernelFunc) => tf.KernelFunc>,
): () => void {
  const stock = Object.keys(replacements).map((name) => {
    const kernel = tf.getKernel(name, "webgpu");
    if (kernel === undefined)
      throw new Error("tfjs-backend-webgpu is not loaded: import it before registering kernels");
    return kernel;
  });
  for (const kernel of stock) {
    tf.unregisterKernel(kernel.kernelName, "webgpu");
    tf.registerKernel({
      kernelName: kernel.kernelName,
      backendName: "webgpu",
      kernelFunc: (replacements[kernel.kernelName] as (stock: tf.KernelFunc) => tf.KernelFunc)(kernel.kernelFunc),
    });
  }
  return () => {
    for (const kernel of stock) {
      tf.unregisterKernel(kernel.kernelName, "webgpu");
      tf.registerKernel(kernel);
    }
  };
}
