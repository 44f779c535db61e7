// Writes a float16 copy of a model package (tfjs's weight quantization) into a temporary folder and prints its path,
// so that `fieldbench run superbench --model <copy>` can be compared with the float32 original
// (packages/models/reports/float16-weights-2026-12-03.md). Usage: node tools/quantize-float16-check.mjs models/edsr-nskt-x8
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const m = await import(new URL("../packages/models/dist/tfjs.js", import.meta.url).href);
await m.useBackend("wasm");
const src = process.argv[2];
const out = mkdtempSync(join(tmpdir(), "q16-"));
const model = await m.loadLayersModel(src);
await m.saveLayersModel(model, out, { dtype: "float16" });
const pkg = JSON.parse(readFileSync(join(src, "package.json"), "utf8"));
pkg.fieldbench.weightsSha256 = await m.weightsSha256(out);
writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2));
console.log(out);
