import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embeddedDataRoot } from "@fieldbench/superbench";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const tmp = mkdtempSync(join(tmpdir(), "cli-datasets-"));
const run = (argv: string[]) => runMain(argv, tmp);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("fieldbench datasets list / info", () => {
  it("lists every spec, marking the shipped one", async () => {
    const r = await run(["datasets", "list", "--json"]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { key: string; embedded: boolean; channels: string[] }[];
    expect(rows.map((d) => d.key)).toEqual([
      "nskt_16k",
      "nskt_32k",
      "nskt_16k_sim_4",
      "nskt_32k_sim_4",
      "cosmo",
      "cosmo_sim_8",
      "era5",
      "nskt_mini",
      "nskt16k-fb-v1",
      "nskt32k-fb-v1",
    ]);
    expect(rows.filter((d) => d.embedded).map((d) => d.key)).toEqual(["nskt_mini"]);
    expect(rows.find((d) => d.key === "era5")?.channels).toEqual(["ke_10m", "t2m", "tcwv"]);
  });

  it("prints an aligned table: every row's title and shipped mark start under their header", async () => {
    const r = await run(["datasets", "list"]);
    expect(r.code).toBe(0);
    const [head, ...rows] = r.stdout.trimEnd().split("\n") as [string, ...string[]];
    expect(head).toMatch(/^key +grid +channels +shipped +title$/);
    const titleAt = head.indexOf("title");
    const json = JSON.parse((await run(["datasets", "list", "--json"])).stdout) as { key: string; title: string }[];
    expect(rows).toHaveLength(json.length);
    for (const [i, row] of rows.entries()) {
      expect(row.startsWith(`${json[i]!.key} `)).toBe(true);
      expect(row.slice(titleAt)).toBe(json[i]!.title);
    }
    const mini = rows.find((row) => row.startsWith("nskt_mini "))!;
    expect(mini.slice(head.indexOf("shipped"), head.indexOf("shipped") + 3)).toBe("yes");
  });

  it("shows a spec with docs/superbench.md's constants and the published checksum", async () => {
    const r = await run(["datasets", "info", "era5", "--json"]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { spec: { mean: number[]; std: number[]; hr: number[] }; card: string };
    expect(info.spec.mean).toEqual([6.3024, 278.3945, 18.4262]);
    expect(info.spec.std).toEqual([3.7376, 21.0588, 16.4687]);
    expect(info.spec.hr).toEqual([720, 1440]);
    expect(info.card).toMatch(/datasets\/era5\.md$/);
    const mini = JSON.parse((await run(["datasets", "info", "nskt_mini", "--json"])).stdout) as {
      knownChecksums: { checksum: string }[];
    };
    const registry = JSON.parse(
      readFileSync(
        join(embeddedDataRoot("nskt_mini"), "..", "..", "..", "leaderboards", "known-datasets.json"),
        "utf8",
      ),
    );
    expect(mini.knownChecksums.map((k) => k.checksum)).toEqual([registry.datasets[0].checksum]);
    const unknown = await run(["datasets", "info", "imagenet"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/imagenet/);
  });
});

describe("fieldbench datasets verify", () => {
  it("accepts the shipped copy, whose test checksum is the published one", async () => {
    const r = await run(["datasets", "verify", "nskt_mini", "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; checksum: string; expected: string[]; splits: unknown[] };
    expect(report.ok).toBe(true);
    expect(report.expected).toContain(report.checksum);
    expect(report.splits).toHaveLength(5);
  });

  it("lists every problem of a damaged copy and exits 1", async () => {
    const copy = join(tmp, "damaged");
    cpSync(embeddedDataRoot("nskt_mini"), copy, { recursive: true });
    rmSync(join(copy, "valid_2"), { recursive: true });
    const test1 = join(copy, "test_1", "nskt_mini.h5");
    const bytes = readFileSync(test1);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    writeFileSync(test1, bytes);
    const r = await run(["datasets", "verify", "nskt_mini", "--data", copy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/problem: .*missing split folder valid_2/);
    expect(r.stdout).toMatch(/problem: test splits have checksum [0-9a-f]{64}; the published nskt_mini 1 has bc062cd5/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("fieldbench datasets download", () => {
  let server: Server;
  let base: string;
  const file = Buffer.from("fields".repeat(5000));
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/gone.h5") return res.writeHead(404).end();
      res.writeHead(200, { "content-length": String(file.length) });
      res.end(file);
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it("fetches each URL into --out from a real server on 127.0.0.1", async () => {
    const r = await run([
      "datasets",
      "download",
      `${base}/a/0.h5`,
      `${base}/a/1.h5`,
      "--out",
      "dl",
      "--json",
      "--quiet",
    ]);
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout) as { path: string; bytes: number }[];
    expect(got.map((g) => g.bytes)).toEqual([file.length, file.length]);
    expect(readFileSync(join(tmp, "dl", "1.h5")).equals(file)).toBe(true);
  });

  it("reports progress on stderr in bytes, not percent per second", async () => {
    const r = await run(["datasets", "download", `${base}/b/0.h5`, "--out", "dl2"]);
    expect(r.code).toBe(0);
    // 30000 bytes = 29.3 KiB; the last line says all of it arrived, with a rate in bytes
    const last = r.stderr.trim().split("\n").at(-1) ?? "";
    expect(last).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/b\/0\.h5: 29\.3 KiB\/29\.3 KiB \(100%\) [\d.]+s( [\d.]+ (B|KiB|MiB|GiB)\/s)?$/,
    );
  });

  it("exits 2 for --sha256 with several URLs and for a missing file, one line each", async () => {
    const two = await run(["datasets", "download", `${base}/x.h5`, `${base}/y.h5`, "--out", "dl", "--sha256", "00"]);
    expect(two.code).toBe(2);
    const gone = await run(["datasets", "download", `${base}/gone.h5`, "--out", "dl", "--quiet"]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/gone\.h5: not found \(HTTP 404\)/);
    expect(gone.stderr.trim().split("\n")).toHaveLength(1);
  });
});
