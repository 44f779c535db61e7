import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadFile } from "./download.js";
import { isFieldbenchError } from "./errors.js";
import { sha256Bytes } from "./hash.js";

// A real HTTP server on 127.0.0.1 that honours Range (or not), and can cut a response short.
const body = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff));
const ranges: (string | undefined)[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    ranges.push(req.headers.range);
    if (req.url === "/missing.h5") return res.writeHead(404).end();
    if (req.url === "/cut.h5") {
      res.writeHead(200, { "content-length": String(body.length) });
      res.write(body.subarray(0, 1000));
      return res.destroy();
    }
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (match && req.url !== "/norange.h5") {
      const from = Number(match[1]);
      res.writeHead(206, { "content-length": String(body.length - from) });
      return res.end(body.subarray(from));
    }
    res.writeHead(200, { "content-length": String(body.length) });
    res.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const code = (err: unknown) => (isFieldbenchError(err) ? err.code : String(err));

describe("downloadFile", () => {
  it("downloads into place with the sha256 it checked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fb-dl-"));
    const got = await downloadFile(`${base}/data/train.h5`, dir, { sha256: sha256Bytes(body) });
    expect(got).toMatchObject({ bytes: body.length, resumedFrom: 0, sha256: sha256Bytes(body) });
    expect(readFileSync(join(dir, "train.h5")).equals(body)).toBe(true);
    expect(existsSync(join(dir, "train.h5.part"))).toBe(false);
  });

  it("resumes a .part file with a Range request, and starts over when the server ignores Range", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fb-dl-"));
    writeFileSync(join(dir, "resume.h5.part"), body.subarray(0, 40_000));
    ranges.length = 0;
    const resumed = await downloadFile(`${base}/resume.h5`, dir);
    expect(ranges).toEqual(["bytes=40000-"]);
    expect(resumed.resumedFrom).toBe(40_000);
    expect(readFileSync(join(dir, "resume.h5")).equals(body)).toBe(true);
    writeFileSync(join(dir, "norange.h5.part"), Buffer.alloc(40_000, 9));
    const restarted = await downloadFile(`${base}/norange.h5`, dir);
    expect(restarted.resumedFrom).toBe(0);
    expect(readFileSync(join(dir, "norange.h5")).equals(body)).toBe(true);
  });

  it("leaves nothing under the final name when the file is missing, cut short or has the wrong sha256", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fb-dl-"));
    expect(code(await downloadFile(`${base}/missing.h5`, dir).catch((e) => e))).toBe("FILE_NOT_FOUND");
    expect(code(await downloadFile(`${base}/cut.h5`, dir).catch((e) => e))).toBe("WORK_FAILED");
    expect(existsSync(join(dir, "cut.h5"))).toBe(false);
    expect(code(await downloadFile(`${base}/bad.h5`, dir, { sha256: "0".repeat(64) }).catch((e) => e))).toBe(
      "WORK_FAILED",
    );
    expect(existsSync(join(dir, "bad.h5"))).toBe(false);
    expect(existsSync(join(dir, "bad.h5.part"))).toBe(true);
    expect(code(await downloadFile("ftp://example.org/x.h5", dir).catch((e) => e))).toBe("BAD_USAGE");
  });
});
