import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, ROOT, runCli } from "../helpers.js";

// Fixtures from tools/fixtures/zarr.py (zarr-python 2.13 + xarray); expected values in expected.json.
const FIXTURES = join(ROOT, "packages", "formats", "fixtures", "zarr");
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8"));
const ERA5 = "v2.era5-like.consolidated.zarr";
const tmp = mkdtempSync(join(tmpdir(), "e2e-zarr-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The binary run asynchronously, so an HTTP server in this process can answer it. */
function runCliAsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("fieldbench inspect on Zarr (built binary)", () => {
  it("a local xarray store: --json, then --var t2m --stats --json equal to numpy's", () => {
    const r = runCli(["inspect", join(FIXTURES, ERA5), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe("zarr");
    expect(report.dims).toEqual(EXPECTED[ERA5].__dims__);
    const stats = runCli(["inspect", join(FIXTURES, ERA5), "--var", "t2m", "--stats", "--json"]);
    expect(stats.code, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout).mean).toBeCloseTo(EXPECTED[ERA5].t2m.stats.mean, 9);
  });

  it("the same store over http from a server on 127.0.0.1", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? "");
      const file = normalize(join(FIXTURES, decodeURIComponent(req.url ?? "/")));
      try {
        if (!file.startsWith(FIXTURES) || !statSync(file).isFile()) throw new Error("missing");
        res.writeHead(200).end(readFileSync(file));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${ERA5}`;
      const r = await runCliAsync(["inspect", url, "--var", "t2m", "--stats", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).count).toBe(EXPECTED[ERA5].t2m.stats.count);
      // 2 metadata probes + the 16 chunks of t2m (4 steps x 2 x 2), nothing else.
      expect(seen.filter((u) => u.includes("/t2m/"))).toHaveLength(16);
      expect(seen).toHaveLength(18);
    } finally {
      server.close();
    }
  });

  it("bad Zarr input exits 2 with one line: ../ in .zmetadata, a missing store", () => {
    const dir = join(tmp, "escape.zarr");
    cpSync(join(FIXTURES, ERA5), dir, { recursive: true });
    const meta = JSON.parse(readFileSync(join(dir, ".zmetadata"), "utf8"));
    meta.metadata["../../etc/passwd/.zarray"] = meta.metadata["t2m/.zarray"];
    writeFileSync(join(dir, ".zmetadata"), JSON.stringify(meta));
    for (const path of [dir, join(tmp, "missing.zarr")]) {
      const r = runCli(["inspect", path, "--json"]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
  });
});
