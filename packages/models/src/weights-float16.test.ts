import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "./backends/select.js";
import { NETS } from "./nets/nets.js";
import { withSeededRandom } from "./train.js";
import { float16Bits } from "./weights-float16.js";
import { loadLayersModel, saveLayersModel, weightFiles } from "./weights-io.js";

beforeAll(async () => {
  await useBackend("wasm");
});

/** Values that exercise every branch of the rounding: ties, subnormals, overflow, signed zero, inf and NaN. */
function edgeValues(): Float32Array {
  const values = [
    0,
    -0,
    1,
    -1,
    0.1,
    1 / 3,
    65504,
    65519.99,
    65520,
    1e6,
    -1e6,
    6.1035156e-5,
    6.0975552e-5,
    5.9604645e-8,
    2.9802322e-8,
    2.9802326e-8,
    1e-9,
    1e-40,
    1.0009765625,
    1.00048828125,
    1.00146484375,
    2049,
    2051,
    4097,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NaN,
  ];
  // Deterministic spread over the whole half range, both signs, plus the weights' own typical scale.
  for (let i = 0; i < 2000; i++) {
    const magnitude = 2 ** (-26 + (i * 43) / 2000);
    values.push((i % 2 === 0 ? 1 : -1) * magnitude * (1 + ((i * 7919) % 1000) / 1000));
  }
  return new Float32Array(values);
}

describe("float16 weights (tfjs's weight quantization)", () => {
  it("rounds float32 to binary16 exactly as numpy's astype(float16)", () => {
    const values = edgeValues();
    const py = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        "import sys, numpy as np\n" +
          "x = np.frombuffer(sys.stdin.buffer.read(), dtype='<f4')\n" +
          "sys.stdout.write(' '.join(str(int(b)) for b in x.astype(np.float16).view(np.uint16)))",
      ],
      { input: Buffer.from(values.buffer), encoding: "utf8" },
    );
    expect(py.status, py.stderr).toBe(0);
    const reference = py.stdout.split(" ").map(Number);
    expect(reference).toHaveLength(values.length);
    const ours = Array.from(values, (v) => float16Bits(v));
    const mismatches = ours.flatMap((bits, i) =>
      bits === reference[i] ? [] : [`${values[i]}: ${bits} vs ${reference[i]}`],
    );
    expect(mismatches).toEqual([]);
  });

  it("saves SRCNN at half the bytes, tfjs dequantizes it on load, and the outputs move by float16's rounding only", async () => {
    const dir32 = mkdtempSync(join(tmpdir(), "fb-f32-"));
    const dir16 = mkdtempSync(join(tmpdir(), "fb-f16-"));
    const model = withSeededRandom(5, () => NETS.srcnn.build({ channels: 3, scale: 4 }));
    const full = await saveLayersModel(model, dir32);
    const half = await saveLayersModel(model, dir16, { dtype: "float16" });
    expect(half.weightBytes * 2).toBe(full.weightBytes);
    const files = await weightFiles(dir16);
    expect(files.reduce((sum, f) => sum + statSync(join(dir16, f)).size, 0)).toBe(half.weightBytes);
    const manifest = JSON.parse(readFileSync(join(dir16, "model.json"), "utf8"));
    for (const entry of manifest.weightsManifest[0].weights) {
      expect(entry.dtype).toBe("float32");
      expect(entry.quantization).toEqual({ dtype: "float16" });
    }

    const loaded = await loadLayersModel(dir16);
    const original = model.getWeights();
    const restored = loaded.getWeights();
    for (const [i, w] of original.entries()) {
      const a = await w.data();
      const b = await restored[i]!.data();
      // binary16 keeps 11 significant bits: the relative rounding error is at most 2^-11 for normal values.
      for (let j = 0; j < a.length; j++)
        expect(Math.abs(b[j]! - a[j]!)).toBeLessThanOrEqual(Math.abs(a[j]!) * 2 ** -11 + 2 ** -25);
    }
    const x = tf.randomNormal([1, 16, 16, 3], 0, 1, "float32", 7);
    const y32 = (model.predict(x) as tf.Tensor).dataSync();
    const y16 = (loaded.predict(x) as tf.Tensor).dataSync();
    let num = 0;
    let den = 0;
    for (let i = 0; i < y32.length; i++) {
      num += (y16[i]! - y32[i]!) ** 2;
      den += y32[i]! ** 2;
    }
    // A random-init SRCNN through three layers: the output moves by about the weights' relative rounding.
    expect(Math.sqrt(num / den)).toBeGreaterThan(0);
    expect(Math.sqrt(num / den)).toBeLessThan(2e-3);
    tf.dispose([x]);
  });
});
