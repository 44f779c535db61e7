// Decode time of one ERA5-sized GRIB2 field (2 m temperature on the 721 x 1440 0.25-degree grid, CCSDS
// packing, 16 bits, as the CDS delivers it), written by eccodes through tools/fixtures/era5.py in this run:
// fieldbench (openFile + read + close, and read alone on an open file) against eccodes (open, codes_get_values,
// release) on the same file, same run. Each time is the median of REPEATS runs, with their range.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openFile } from "@fieldbench/formats";
import { PYTHON_TIMING, formatTiming, makeTimer } from "../../../tools/bench-kit.mjs";

const REPEATS = 11;
const timeIt = makeTimer(REPEATS);
const fixtures = fileURLToPath(new URL("../../../tools/fixtures", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "grib2-bench-"));
const path = join(dir, "era5.ccsds.grib2");

const python = `
import sys, json
sys.path = [p for p in sys.path if "tools/fixtures" not in p]
import numpy as np
fixtures, path, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, fixtures)
import era5
era5.write_grib(path, 721, 1440, 1)
sys.path.pop(0)
import eccodes
${PYTHON_TIMING}
def decode():
    with open(path, "rb") as f:
        h = eccodes.codes_grib_new_from_file(f)
        v = eccodes.codes_get_values(h)
        eccodes.codes_release(h)
        return v
t, v = timing(decode, repeats)
json.dump({"timing": t, "sum": float(np.sum(v)), "count": int(v.size)}, sys.stdout)
`;

try {
  const py = spawnSync("/usr/bin/python3", ["-c", python, fixtures, path, String(REPEATS)], { encoding: "utf8" });
  if (py.status !== 0) throw new Error(`python3 failed: ${py.stderr}`);
  const reference = JSON.parse(py.stdout);
  const check = (data) => {
    let sum = 0;
    for (const v of data) sum += v;
    if (data.length !== reference.count || Math.abs(sum - reference.sum) > 1e-9 * Math.abs(reference.sum)) {
      throw new Error(`fieldbench's field (sum ${sum}) differs from eccodes' (sum ${reference.sum})`);
    }
  };
  const whole = await timeIt(async () => {
    const file = await openFile(path);
    try {
      return (await file.read("#0")).data;
    } finally {
      await file.close();
    }
  });
  const open = await openFile(path);
  const readOnly = await timeIt(async () => (await open.read("#0")).data);
  await open.close();
  check(whole.result);
  check(readOnly.result);
  const ours = [
    ["fieldbench: openFile + read + close", whole],
    ["fieldbench: read on an open file", readOnly],
  ];
  console.log(`One 721x1440 GRIB2 field, CCSDS (grid_ccsds) 16 bits; median (min-max) of ${REPEATS} runs, ms.`);
  console.log("Values checked equal to eccodes' (count and sum).\n");
  console.log("| what | fieldbench (ms) | eccodes open + codes_get_values (ms) | ratio of medians |");
  console.log("| --- | --- | --- | --- |");
  for (const [what, t] of ours) {
    console.log(
      `| ${what} | ${formatTiming(t)} | ${formatTiming(reference.timing)} | ${(t.ms / reference.timing.ms).toFixed(2)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
