import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "./backends/select.js";
import { loadTfjsPackage } from "./model-package.js";
import { NETS } from "./nets/nets.js";
import { withSeededRandom } from "./train.js";
import {
  WEIGHT_SHARD_BYTES,
  loadLayersModel,
  saveLayersModel,
  weightFiles,
  weightShardNames,
  weightsSha256,
} from "./weights-io.js";

beforeAll(async () => {
  await useBackend("wasm");
});

describe("weights split into files under 16 MiB", () => {
  it("names one file weights.bin and n files weights-<i>of<n>.bin", () => {
    expect(weightShardNames(100)).toEqual(["weights.bin"]);
    expect(weightShardNames(WEIGHT_SHARD_BYTES)).toEqual(["weights.bin"]);
    expect(weightShardNames(WEIGHT_SHARD_BYTES + 1)).toEqual(["weights-1of2.bin", "weights-2of2.bin"]);
  });

  it("saves FNO (38 MB float32) as 8 MiB shards that load back to the same weights and hash like `cat | sha256sum`", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fb-shards-"));
    const model = withSeededRandom(3, () => NETS.fno.build({ channels: 3, scale: 8 }));
    const { weightBytes, files } = await saveLayersModel(model, dir);
    // 4,752,259 reference parameters (complex counted once) + the second real part of each of the 4 layers x 2
    // corners x 12 x 12 modes x 64 x 64 complex spectral weights, 4 bytes each: 37,883,404 bytes, 5 shards.
    expect(weightBytes).toBe(4 * (4_752_259 + 4 * 2 * 144 * 64 * 64));
    expect(files).toEqual([
      "weights-1of5.bin",
      "weights-2of5.bin",
      "weights-3of5.bin",
      "weights-4of5.bin",
      "weights-5of5.bin",
    ]);
    expect(await weightFiles(dir)).toEqual(files);
    expect(readdirSync(dir).sort()).toEqual(["model.json", ...files].sort());
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(WEIGHT_SHARD_BYTES);

    const loaded = await loadLayersModel(dir);
    const a = model.getWeights();
    const b = loaded.getWeights();
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) expect(Array.from(await b[i]!.data())).toEqual(Array.from(await a[i]!.data()));

    const viaShell = execFileSync("sh", ["-c", `cat ${files.join(" ")} | sha256sum`], { cwd: dir, encoding: "utf8" });
    const sha = await weightsSha256(dir);
    expect(viaShell.split(" ")[0]).toBe(sha);

    // As a package: the integrity check covers every shard.
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "fno-sharded",
        version: "1.0.0",
        fieldbench: { kind: "tfjs", entry: "model.json", net: "fno", channels: 3, scale: 8, weightsSha256: sha },
      }),
    );
    const pkg = await loadTfjsPackage(dir);
    expect(pkg.integrity).toBe(`sha256-${sha}`);
    pkg.dispose?.();
    writeFileSync(join(dir, files[2]!), Buffer.alloc(statSync(join(dir, files[2]!)).size));
    await expect(loadTfjsPackage(dir)).rejects.toThrow(/weights sha256 [0-9a-f]{64} differs from the package's/);
    model.dispose();
    loaded.dispose();
  }, 240_000); // 38 MB through the wasm backend twice: ~20 s on a quiet 2-core machine, 90 s under heavy load
});
