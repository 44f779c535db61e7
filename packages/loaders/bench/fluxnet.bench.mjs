// FLUXNET HH throughput: a generated ~230 MB FULLSET-like file (20 years of half-hours x 80 columns),
// fieldbench (validate every record, load 3 variables, resample to daily) against pandas on the same file.
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFile } from "@fieldbench/formats";
import { loadFluxnet, resampleDaily } from "@fieldbench/loaders";

const YEARS = 20;
const COLUMNS = 80;
const ROWS = YEARS * 365 * 48;
const NAMES = ["TIMESTAMP_START", "TIMESTAMP_END", "NEE_VUT_REF", "NEE_VUT_REF_QC", "TA_F", "SW_IN_F"];
for (let i = NAMES.length; i < COLUMNS; i++) NAMES.push(`V${i}_F`);

function stamp(minutes) {
  const d = new Date(minutes * 60000);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

async function writeFile(path) {
  const out = createWriteStream(path);
  out.write(`${NAMES.join(",")}\n`);
  const t0 = Date.UTC(1995, 0, 1) / 60000;
  let seed = 1;
  const lines = [];
  for (let r = 0; r < ROWS; r++) {
    const fields = [stamp(t0 + 30 * r), stamp(t0 + 30 * (r + 1))];
    for (let c = 2; c < COLUMNS; c++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const v = seed / 2147483648;
      fields.push(c === 3 ? String(Math.floor(v * 4)) : v < 0.05 ? "-9999" : ((v - 0.5) * 200).toFixed(3));
    }
    lines.push(fields.join(","));
    if (lines.length === 5000) {
      if (!out.write(`${lines.join("\n")}\n`)) await new Promise((resolve) => out.once("drain", resolve));
      lines.length = 0;
    }
  }
  out.write(lines.length > 0 ? `${lines.join("\n")}\n` : "");
  await new Promise((resolve) => out.end(resolve));
}

const PANDAS = `
import sys, time
import pandas as pd
path = sys.argv[1]
best = [float("inf")] * 3
for _ in range(3):
    t0 = time.perf_counter()
    full = pd.read_csv(path, na_values=[-9999])
    t1 = time.perf_counter()
    df = pd.read_csv(path, usecols=["TIMESTAMP_START", "NEE_VUT_REF", "NEE_VUT_REF_QC", "TA_F"], na_values=[-9999])
    t2 = time.perf_counter()
    df.index = pd.to_datetime(df["TIMESTAMP_START"].astype(str), format="%Y%m%d%H%M")
    nee = df["NEE_VUT_REF"].where(df["NEE_VUT_REF_QC"] <= 1)
    daily = nee.resample("D").mean().where(nee.resample("D").count() >= 24)
    t3 = time.perf_counter()
    best = [min(b, x) for b, x in zip(best, (t1 - t0, t2 - t1, t3 - t2))]
print(*best, len(full), len(daily))
`;

async function ours(path) {
  const t0 = performance.now();
  const file = await openFile(path);
  const t1 = performance.now();
  const series = await loadFluxnet(path, { variables: ["NEE_VUT_REF", "TA_F"], qc: { maxFlag: 1 } });
  const t2 = performance.now();
  const daily = resampleDaily(series, { coverage: 0.5 });
  const t3 = performance.now();
  await file.close();
  return { open: (t1 - t0) / 1000, load: (t2 - t1) / 1000, resample: (t3 - t2) / 1000, days: daily.time.length };
}

const dir = mkdtempSync(join(tmpdir(), "fluxnet-bench-"));
const path = join(dir, "FLX_XX-Ben_FLUXNET2015_FULLSET_HH_1995-2014_1-4.csv");
try {
  await writeFile(path);
  await ours(path);
  const runs = [await ours(path), await ours(path), await ours(path)];
  const best = (key) => Math.min(...runs.map((r) => r[key]));
  const py = spawnSync("/usr/bin/python3", ["-c", PANDAS, path], { encoding: "utf8" });
  if (py.status !== 0) throw new Error(`pandas failed: ${py.stderr}`);
  const [readAll, readSome, resample, rows, days] = py.stdout.trim().split(/\s+/).map(Number);
  if (rows !== ROWS || days !== runs[0].days)
    throw new Error(`row or day counts differ: ${rows} ${days} ${runs[0].days}`);
  const mb = (s) => `${(Number(spawnSync("stat", ["-c", "%s", path]).stdout) / 2 ** 20 / s).toFixed(0)} MB/s`;
  console.log(`FLUXNET HH, ${ROWS} records x ${COLUMNS} columns, best of 3 runs each\n`);
  console.log("| what | fieldbench | pandas 1.5 | ratio (fieldbench time / pandas time) |");
  console.log("| --- | --- | --- | --- |");
  const row = (what, a, b) =>
    console.log(`| ${what} | ${a.toFixed(3)} s (${mb(a)}) | ${b.toFixed(3)} s (${mb(b)}) | ${(a / b).toFixed(2)} |`);
  row("open: validate every record (pandas: read_csv of all columns)", best("open"), readAll);
  row("load NEE + TA with QC <= 1, validating every record (pandas: read_csv usecols)", best("load"), readSome);
  console.log(
    `| daily means with coverage threshold | ${best("resample").toFixed(3)} s | ${resample.toFixed(3)} s | ${(best("resample") / resample).toFixed(2)} |`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
