import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { temporaryPath, writeFileAtomic } from "./atomic-write.js";
import { describe, expect, it } from "vitest";
import {
  FieldbenchError,
  checkAllocation,
  createProgress,
  createRng,
  createSha256,
  deriveSeed,
  exitCodeFor,
  formatBytes,
  isFieldbenchError,
  makeField,
  sha256Bytes,
  sha256File,
  sha256Files,
  stridesOf,
} from "./index.js";

describe("FieldbenchError", () => {
  it("keeps a stable code, one line of message, and maps input errors to exit 2", () => {
    const err = new FieldbenchError("CORRUPT_FILE", "header cut short\n  at byte 12", { path: "a.nc" });
    expect(err.message).toBe("header cut short at byte 12");
    expect(isFieldbenchError(err, "CORRUPT_FILE")).toBe(true);
    expect(isFieldbenchError(err, "TOO_LARGE")).toBe(false);
    expect(exitCodeFor(err)).toBe(2);
    expect(exitCodeFor(new FieldbenchError("WORK_FAILED", "x"))).toBe(1);
    expect(exitCodeFor(new Error("plain"))).toBe(1);
  });
});

describe("makeField", () => {
  it("checks shape against data, dims against shape, coords against axes", () => {
    const f = makeField({
      name: "t2m",
      data: new Float32Array(6),
      shape: [2, 3],
      dims: ["lat", "lon"],
      attrs: { units: "K" },
    });
    expect(f.units).toBe("K");
    expect(() => makeField({ name: "x", data: new Float32Array(5), shape: [2, 3] })).toThrow(/holds 6 values/);
    expect(() => makeField({ name: "x", data: new Float32Array(6), shape: [2, 3], dims: ["a"] })).toThrow(/1 dims/);
    expect(() =>
      makeField({
        name: "x",
        data: new Float32Array(6),
        shape: [2, 3],
        dims: ["a", "b"],
        coords: { b: new Float64Array(2) },
      }),
    ).toThrow(/coordinate b/);
  });

  it("computes row-major strides", () => {
    expect(stridesOf([4, 3, 2])).toEqual([6, 2, 1]);
  });
});

describe("checkAllocation", () => {
  it("refuses a 10^12-element declaration before anything is allocated", () => {
    expect(() => checkAllocation(1e12, 4, "variable t")).toThrow(FieldbenchError);
    expect(() => checkAllocation(2048 * 2048, 4, "variable t")).not.toThrow();
  });
});

describe("seeded RNG", () => {
  it("repeats a sequence for the same seed and differs for another", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
    expect(deriveSeed("nskt_16k", "test_1", 3)).toBe(deriveSeed("nskt_16k", "test_1", 3));
    expect(deriveSeed("nskt_16k", "test_1", 3)).not.toBe(deriveSeed("nskt_16k", "test_1", 4));
  });

  it("draws uniforms with mean 1/2, variance 1/12 and normals with mean 0, variance 1", () => {
    const rng = createRng("moments");
    const n = 200_000;
    let su = 0;
    let su2 = 0;
    let sn = 0;
    let sn2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      su += u;
      su2 += u * u;
      const z = rng.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(outside).toBe(0);
    // Standard errors: uniform mean 0.00065, normal mean 0.0022; allow ~5 sigma.
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.004);
    expect(Math.abs(su2 / n - (su / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
    expect(Math.abs(sn / n)).toBeLessThan(0.012);
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(0.02);
  });
});

describe("sha256", () => {
  it("matches the FIPS 180-2 test vector and streams files in chunks", async () => {
    const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    expect(sha256Bytes("abc")).toBe(abc);
    const inc = createSha256();
    inc.update("a");
    inc.update(new Uint8Array([0x62, 0x63]));
    expect(inc.digest()).toBe(abc);
    const dir = mkdtempSync(join(tmpdir(), "fb-core-"));
    const path = join(dir, "big.bin");
    const big = Buffer.alloc(9 * 1024 * 1024, 7);
    writeFileSync(path, big);
    expect(await sha256File(path)).toBe(sha256Bytes(big));
    // Shards hash as their concatenation: "a" + "bc" is the test vector.
    writeFileSync(join(dir, "a"), "a");
    writeFileSync(join(dir, "bc"), "bc");
    expect(await sha256Files([join(dir, "a"), join(dir, "bc")])).toBe(abc);
  });
});

describe("progress", () => {
  const capture = () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    return { lines, stream };
  };

  it("prints nothing when quiet", () => {
    const { lines, stream } = capture();
    const p = createProgress({ label: "run", total: 3, stream, mode: "quiet" });
    p.tick();
    p.done();
    expect(lines).toEqual([]);
  });

  it("counts in a unit: a download reads bytes per second and an ETA, not percent per second", () => {
    const { lines, stream } = capture();
    let t = 0;
    const MiB = 1024 * 1024;
    const p = createProgress({
      label: "dl",
      total: 300 * MiB,
      stream,
      mode: "lines",
      intervalMs: 0,
      now: () => t,
      formatValue: formatBytes,
    });
    t = 2000;
    p.tick(2 * MiB); // 2 MiB in 2 s: 1.0 MiB/s; 298 MiB left: 298 s = 4m58s
    expect(lines[0]).toBe("dl: 2.0 MiB/300.0 MiB (1%) 2.0s 1.0 MiB/s eta 4m58s\n");
  });

  it("prints plain lines at most once per interval plus a final line", () => {
    const { lines, stream } = capture();
    let t = 0;
    const p = createProgress({ label: "run", total: 4, stream, mode: "lines", intervalMs: 1000, now: () => t });
    p.tick(); // first tick prints
    t = 500;
    p.tick(); // inside the interval: silent
    t = 1500;
    p.tick(1, "loss 0.5");
    p.tick();
    p.done();
    expect(lines.length).toBe(3);
    expect(lines[0]).toMatch(/^run: 1\/4 \(25%\)/);
    // 3 done in 1.5 s: 2.00/s; 1 left at 2/s: 0.5 s, rounded up to 1s
    expect(lines[1]).toMatch(/run: 3\/4 \(75%\) 1\.5s 2\.00\/s eta 1s loss 0\.5/);
    expect(lines[2]).toMatch(/^run: 4\/4 \(100%\)/);
  });
});

describe("writeFileAtomic", () => {
  it("creates the folder, replaces the file whole, leaves no temporary, and cleans up when the rename fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "atomic-"));
    try {
      const path = join(dir, "sub", "a.json");
      await writeFileAtomic(path, "old");
      // Ten writers at once: each temporary is unique, so the file ends as one writer's whole content.
      await Promise.all(Array.from({ length: 10 }, (_, i) => writeFileAtomic(path, `new-${i}`.repeat(1000))));
      expect(readFileSync(path, "utf8")).toMatch(/^(new-\d)\1{999}$/);
      expect(readdirSync(join(dir, "sub"))).toEqual(["a.json"]);
      expect(temporaryPath(path)).not.toBe(temporaryPath(path));
      // A folder in the way: the rename fails, the error surfaces, no temporary is left behind.
      mkdirSync(join(dir, "sub", "taken"));
      await expect(writeFileAtomic(join(dir, "sub", "taken"), "x")).rejects.toThrow();
      expect(readdirSync(join(dir, "sub")).sort()).toEqual(["a.json", "taken"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
