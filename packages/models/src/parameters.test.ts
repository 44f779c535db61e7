import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { countOnnx, countTfjs } from "./parameters.js";

const repo = new URL("../../../", import.meta.url).pathname;

describe("parameter counts from the weights", () => {
  it("TF.js: the sum of the manifest's weight shapes (SRCNN 9-5-5, 3 -> 64 -> 32 -> 3 channels)", () => {
    // 9*9*3*64 + 64 + 5*5*64*32 + 32 + 5*5*32*3 + 3 = 15552 + 64 + 51200 + 32 + 2400 + 3
    expect(countTfjs(readFileSync(`${repo}examples/model-packages/tfjs-srcnn/model.json`, "utf8"))).toBe(69251);
  });

  it("TF.js FNO: a complex spectral weight (w_re, w_im) counts once, as PyTorch and the committed result count it", () => {
    // 9470851 stored values, minus the four layers' w_im [288, 64, 64] = 4 * 1179648: 4752259, the `parameters`
    // of results/nskt_re16000_webgpu/bicubic-x8.fno.json (written by the TF.js model's own count).
    const result = JSON.parse(readFileSync(`${repo}results/nskt_re16000_webgpu/bicubic-x8.fno.json`, "utf8"));
    expect(countTfjs(readFileSync(`${repo}models/fno-nskt-x8/model.json`, "utf8"))).toBe(result.model.parameters);
  });

  it("ONNX: the graph's initializers (onnx-cubic: scales [4] and an empty roi [0], tools/fixtures/onnx-cubic.py)", () => {
    expect(countOnnx(readFileSync(`${repo}examples/model-packages/onnx-cubic/model.onnx`))).toBe(4);
    expect(countOnnx(new Uint8Array([0x3a, 0x05, 0xff, 0xff]))).toBe(0); // cut short: no crash
  });
});
