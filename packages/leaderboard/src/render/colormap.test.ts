import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fieldToPng, viridis } from "./colormap.js";

const python = (code: string) => spawnSync("/usr/bin/python3", ["-c", code], { encoding: "utf8" });

describe("viridis and fieldToPng", () => {
  it("match matplotlib's viridis within 4 levels per channel at 33 points (midpoints included)", () => {
    const ts = Array.from({ length: 33 }, (_, i) => i / 32);
    const r = python(
      `import json; from matplotlib import colormaps as c; print(json.dumps([[round(255*x) for x in c['viridis'](t)[:3]] for t in map(float, ${JSON.stringify(ts)})]))`,
    );
    expect(r.stderr).toBe("");
    const reference = JSON.parse(r.stdout) as number[][];
    ts.forEach((t, i) => {
      const ours = viridis(t);
      for (let c = 0; c < 3; c++)
        expect(Math.abs((ours[c] as number) - (reference[i]?.[c] as number))).toBeLessThanOrEqual(4);
    });
    expect(viridis(Number.NaN)).toEqual([0x44, 0x01, 0x54]);
  });

  it("writes a PNG that Pillow reads with the expected size and end colours", () => {
    const dir = mkdtempSync(join(tmpdir(), "fieldbench-png-"));
    try {
      // 2 x 3 ramp: 0 .. 5 over [0, 5], so pixel 0 is viridis(0) and pixel 5 viridis(1).
      const png = fieldToPng({ data: Float32Array.from([0, 1, 2, 3, 4, 5]), height: 2, width: 3 }, { min: 0, max: 5 });
      const path = join(dir, "ramp.png");
      writeFileSync(path, png);
      const r = python(
        `from PIL import Image; im = Image.open(${JSON.stringify(path)}); print(im.size, im.mode, im.getpixel((0, 0)), im.getpixel((2, 1)))`,
      );
      expect(r.stdout.trim()).toBe("(3, 2) RGB (68, 1, 84) (253, 231, 37)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
