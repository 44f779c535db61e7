import * as tf from "@tensorflow/tfjs-core";

/**
 * tfjs-backend-wasm 4.22 cannot train convolutional nets: it has no Conv2DBackpropFilter, and its
 * Conv2DBackpropInput is a slow loop. These two kernels (from the dependency notes, appendix A) are built from
 * ops the wasm backend has (stridedSlice + matMul; a conv with the filter flipped), checked against the cpu
 * backend in wasm-kernels.test.ts.
 */

const engine = () => tf.engine();

/** Kernel inputs are usually Tensors; wrap a bare TensorInfo with a backend ref so disposing the wrapper keeps the caller's data. */
function asTensor<T extends tf.Tensor>(info: tf.TensorInfo): T {
  if (info instanceof tf.Tensor) return info as T;
  const t = engine().makeTensorFromTensorInfo(info) as T;
  (engine().backend as unknown as { incRef(id: tf.DataId): void }).incRef(info.dataId);
  return t;
}

type ConvAttrs = {
  strides: [number, number] | number;
  pad: "valid" | "same" | number;
  dataFormat?: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
};

function conv2dBackpropFilter({ inputs, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as ConvAttrs & {
    filterShape: [number, number, number, number];
  };
  if (dataFormat === "NCHW") throw new Error("Conv2DBackpropFilter on wasm: only NHWC");
  return tf.tidy(() => {
    const x = asTensor<tf.Tensor4D>((inputs as { x: tf.TensorInfo }).x);
    const dy = asTensor<tf.Tensor4D>((inputs as { dy: tf.TensorInfo }).dy);
    const [fh, fw, ci, co] = filterShape;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      "channelsLast",
    );
    const { top, bottom, left, right } = info.padInfo;
    const xp = tf.pad(x, [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ]);
    const b = x.shape[0];
    const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
    const dyT = tf.transpose(tf.reshape(dy, [b * oh * ow, co])); // [co, P]
    const parts: tf.Tensor[] = [];
    for (let kh = 0; kh < fh; kh++)
      for (let kw = 0; kw < fw; kw++) {
        const slab = tf.stridedSlice(
          xp,
          [0, kh, kw, 0],
          [b, kh + (oh - 1) * sh + 1, kw + (ow - 1) * sw + 1, ci],
          [1, sh, sw, 1],
        );
        parts.push(tf.matMul(dyT, tf.reshape(slab, [b * oh * ow, ci]))); // [co, ci]
      }
    return tf.reshape(tf.transpose(tf.stack(parts), [0, 2, 1]), [fh, fw, ci, co]);
  });
}

/** Registers the wasm training kernels once; call before `tf.setBackend("wasm")`. */
export function registerWasmTrainingKernels(): void {
  if (tf.getKernel("Conv2DBackpropFilter", "wasm") === undefined) {
    tf.registerKernel({ kernelName: "Conv2DBackpropFilter", backendName: "wasm", kernelFunc: conv2dBackpropFilter });
  }
  const stock = tf.getKernel("Conv2DBackpropInput", "wasm");
  if (stock === undefined || (stock as { fieldbench?: boolean }).fieldbench) return;
  tf.unregisterKernel("Conv2DBackpropInput", "wasm");
  const fast: tf.KernelConfig & { fieldbench: boolean } = {
    ...stock,
    fieldbench: true,
    kernelFunc: (args) => {
      const { inputs, attrs } = args;
      const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as ConvAttrs & {
        inputShape: [number, number, number, number];
      };
      const filter = (inputs as { filter: tf.TensorInfo }).filter;
      const info = tf.backend_util.computeConv2DInfo(
        inputShape,
        filter.shape as [number, number, number, number],
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        "channelsLast",
      );
      const [fh, fw] = filter.shape as [number, number];
      const pt = fh - 1 - info.padInfo.top;
      const pl = fw - 1 - info.padInfo.left;
      const pb = inputShape[1] - info.outHeight + fh - 1 - pt;
      const pr = inputShape[2] - info.outWidth + fw - 1 - pl;
      // Only stride 1 maps to a plain convolution of dy with the flipped filter; other cases keep the stock loop.
      if (dataFormat === "NCHW" || info.strideHeight !== 1 || info.strideWidth !== 1 || Math.min(pt, pl, pb, pr) < 0) {
        return stock.kernelFunc(args);
      }
      return tf.tidy(() => {
        const dy = asTensor<tf.Tensor4D>((inputs as { dy: tf.TensorInfo }).dy);
        const w = asTensor<tf.Tensor4D>(filter);
        const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        const padded = tf.pad(dy, [
          [0, 0],
          [pt, pb],
          [pl, pr],
          [0, 0],
        ]) as tf.Tensor4D;
        return tf.conv2d(padded, flipped, 1, "valid");
      });
    },
  };
  tf.registerKernel(fast);
}
