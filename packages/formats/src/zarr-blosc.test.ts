import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { decodeBloscLz4 } from "./zarr-blosc.js";

interface Case {
  what: string;
  frame: string;
  raw: string;
}

/** Frames written by numcodecs (c-blosc) in this run, with the bytes they hold. */
function numcodecsFrames(): Case[] {
  const script = `
import base64, json, sys
import numpy as np, numcodecs
rng = np.random.default_rng(5)
out = []
def add(what, codec, arr):
    raw = np.ascontiguousarray(arr).tobytes()
    out.append({"what": what, "frame": base64.b64encode(codec.encode(arr)).decode(), "raw": base64.b64encode(raw).decode()})
smooth = (np.sin(np.linspace(0, 40, 70001)) * 1000).astype("f4")
for shuffle, sname in [(numcodecs.Blosc.NOSHUFFLE, "noshuffle"), (numcodecs.Blosc.SHUFFLE, "shuffle")]:
    for blocksize in (0, 256, 4096):
        for dtype in ("u1", "i2", "f4", "f8"):
            arr = smooth.astype(dtype) if dtype != "u1" else (np.arange(70001) % 7).astype("u1")
            add(f"lz4 {sname} blocksize {blocksize} {dtype}", numcodecs.Blosc("lz4", 5, shuffle, blocksize), arr)
    add(f"lz4 {sname} random bytes (stored raw)", numcodecs.Blosc("lz4", 5, shuffle), rng.integers(0, 255, 5000, dtype="u1"))
    add(f"lz4hc {sname} f4", numcodecs.Blosc("lz4hc", 9, shuffle), smooth[:9000])
add("lz4 shuffle 3-byte elements", numcodecs.Blosc("lz4", 5, numcodecs.Blosc.SHUFFLE), np.zeros(1000, "V3") )
add("lz4 shuffle tiny (memcpyed)", numcodecs.Blosc("lz4", 5, numcodecs.Blosc.SHUFFLE), np.arange(3, dtype="f4"))
add("zstd (not taken)", numcodecs.Blosc("zstd", 3, numcodecs.Blosc.SHUFFLE), smooth[:5000])
add("lz4 bitshuffle (not taken)", numcodecs.Blosc("lz4", 5, numcodecs.Blosc.BITSHUFFLE), smooth[:5000])
json.dump(out, sys.stdout)
`;
  const run = spawnSync("/usr/bin/python3", ["-c", script], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Case[];
}

describe("Blosc LZ4 frames against numcodecs (c-blosc)", () => {
  const cases = numcodecsFrames();

  it("decodes every LZ4 frame, shuffled or not, any block size, to the bytes numcodecs encoded", () => {
    const taken = cases.filter((c) => !c.what.includes("not taken"));
    expect(taken.length).toBeGreaterThan(25);
    for (const c of taken) {
      const raw = Buffer.from(c.raw, "base64");
      const out = decodeBloscLz4(Buffer.from(c.frame, "base64"), raw.length);
      expect(out === undefined ? undefined : Buffer.from(out).equals(raw), c.what).toBe(true);
    }
  });

  it("hands frames it does not decode (zstd, bit shuffle) back, and never exceeds the size bound", () => {
    for (const c of cases.filter((k) => k.what.includes("not taken"))) {
      expect(decodeBloscLz4(Buffer.from(c.frame, "base64"), 1 << 30), c.what).toBeUndefined();
    }
    const big = cases.find((c) => c.what.startsWith("lz4 shuffle blocksize 0 f4")) as Case;
    expect(decodeBloscLz4(Buffer.from(big.frame, "base64"), 1000)).toBeUndefined();
  });

  it("refuses a truncated frame instead of reading past it", () => {
    const c = cases.find((k) => k.what.startsWith("lz4 shuffle blocksize 4096 f8")) as Case;
    const frame = Buffer.from(c.frame, "base64");
    expect(decodeBloscLz4(frame.subarray(0, frame.length - 100), 1 << 30)).toBeUndefined();
  });
});
