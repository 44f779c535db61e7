// A JS model package: export createModel(options) returning {name, version, parameters, integrity, predict}.
// predict(lrBatch: Float32Array, [N, C, h, w], {scale}) -> Promise<Float32Array> of [N, C, h*scale, w*scale].
// This example delegates to fieldbench's bicubic baseline, so its scores equal `--model bicubic`.
import { createModel as createBuiltin } from "@fieldbench/models";

export async function createModel(options) {
  const bicubic = await createBuiltin("bicubic", options);
  return {
    name: "fieldbench-example-js-bicubic",
    version: "1.0.0",
    parameters: 0,
    integrity: bicubic.integrity,
    predict: (lr, shape, predictOptions) => bicubic.predict(lr, shape, predictOptions),
  };
}
