import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeHdf5 } from "@fieldbench/formats";
import { afterAll, describe, expect, it } from "vitest";
import { SPLITS, getDataset } from "./datasets.js";
import { checksumSplits, openSplit } from "./reader.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-reader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A SuperBench-layout folder whose every split holds `files` files of `perFile` snapshots [C, H, W]. */
async function makeFolder(
  name: string,
  shape: [number, number, number],
  options: { files?: number; perFile?: number; variable?: string; skip?: string } = {},
) {
  const root = join(dir, name);
  const [c, h, w] = shape;
  const perFile = options.perFile ?? 1;
  for (const split of SPLITS) {
    if (split === options.skip) continue;
    mkdirSync(join(root, split), { recursive: true });
    for (let f = 0; f < (options.files ?? 1); f++) {
      // value = 1000 * global snapshot index + row: checks both the file order and the row crop.
      const data = new Float32Array(perFile * c * h * w);
      for (let n = 0; n < perFile; n++)
        for (let ch = 0; ch < c; ch++)
          for (let y = 0; y < h; y++)
            data.fill(1000 * (f * perFile + n) + y, ((n * c + ch) * h + y) * w, ((n * c + ch) * h + y + 1) * w);
      await writeHdf5(join(root, split, `part${f}.h5`), [
        { name: options.variable ?? "fields", data, shape: [perFile, c, h, w] },
      ]);
    }
  }
  return root;
}

describe("SuperBench folder reader", () => {
  it("streams snapshots across files in sorted order and drops ERA5's 721st row", async () => {
    const root = await makeFolder("era5", [3, 721, 1440], { files: 2, perFile: 1 });
    const split = await openSplit(root, "test_1", getDataset("era5"));
    try {
      expect(split.length).toBe(2);
      const second = await split.readHr(1);
      expect(second.length).toBe(3 * 720 * 1440);
      // snapshot 1 is part1.h5[0]: value 1000 + row; the last kept row is 719, in every channel
      expect(second[0]).toBe(1000);
      expect(second[720 * 1440 - 1]).toBe(1719);
      expect(second[3 * 720 * 1440 - 1]).toBe(1719);
      await expect(split.readHr(2)).rejects.toMatchObject({ code: "INVALID_VALUE" });
    } finally {
      await split.close();
    }
    expect(await checksumSplits(root, ["test_1", "test_2"])).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names a missing split, a file without fields, and a channel count that does not match", async () => {
    const spec = getDataset("nskt_mini");
    const missing = await makeFolder("missing", [3, 256, 256], { skip: "test_2" });
    await expect(openSplit(missing, "test_2", spec)).rejects.toMatchObject({
      code: "FILE_NOT_FOUND",
      message: expect.stringContaining("missing split folder test_2/"),
    });
    const noFields = await makeFolder("nofields", [3, 256, 256], { variable: "data" });
    await expect(openSplit(noFields, "test_1", spec)).rejects.toMatchObject({
      code: "VARIABLE_NOT_FOUND",
      message: expect.stringContaining("no `fields` dataset"),
    });
    const twoChannels = await makeFolder("twochannels", [2, 256, 256]);
    await expect(openSplit(twoChannels, "test_1", spec)).rejects.toMatchObject({
      code: "SHAPE_MISMATCH",
      message: expect.stringContaining("2 channels, nskt_mini has 3"),
    });
    const wrongSize = await makeFolder("wrongsize", [3, 128, 128]);
    await expect(openSplit(wrongSize, "test_1", spec)).rejects.toMatchObject({ code: "SHAPE_MISMATCH" });
    await expect(openSplit(twoChannels, "test_1", getDataset("cosmo_sim_8"), { needLr: true })).rejects.toMatchObject({
      code: "SHAPE_MISMATCH",
    });
  });
});
