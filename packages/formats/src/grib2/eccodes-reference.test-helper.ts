import { spawnSync } from "node:child_process";

/**
 * Reads GRIB2 files with eccodes (Debian python3-eccodes) as the independent reference: keys and
 * values of every message, missing points as null.
 */
export interface EccodesMessage {
  shortName: string;
  /** The name cfgrib gives the variable in xarray. */
  cfVarName: string;
  typeOfLevel: string;
  level: number;
  dataDate: number;
  dataTime: number;
  stepRange: string;
  packingType: string;
  Ni: number;
  Nj: number;
  latitudeOfFirstGridPointInDegrees: number;
  longitudeOfFirstGridPointInDegrees: number;
  latitudeOfLastGridPointInDegrees: number;
  longitudeOfLastGridPointInDegrees: number;
  iDirectionIncrementInDegrees: number;
  jDirectionIncrementInDegrees: number;
  values: (number | null)[];
  latitudes: number[];
  longitudes: number[];
}

const SCRIPT = `
import sys, json, math
import eccodes as ec
ec.codes_grib_multi_support_on()  # messages holding several fields yield one handle per field
KEYS = ["shortName","cfVarName","typeOfLevel","level","dataDate","dataTime","stepRange","packingType","Ni","Nj",
        "latitudeOfFirstGridPointInDegrees","longitudeOfFirstGridPointInDegrees",
        "latitudeOfLastGridPointInDegrees","longitudeOfLastGridPointInDegrees",
        "iDirectionIncrementInDegrees","jDirectionIncrementInDegrees"]
def read(path):
  out = []
  with open(path, "rb") as f:
    while True:
        h = ec.codes_grib_new_from_file(f)
        if h is None: break
        m = {k: ec.codes_get(h, k) for k in KEYS}
        vals = ec.codes_get_values(h)
        if ec.codes_get(h, "bitmapPresent"):
            miss = ec.codes_get(h, "missingValue")
            m["values"] = [None if v == miss else float(v) for v in vals]
        else:
            m["values"] = [float(v) for v in vals]
        m["latitudes"] = [float(v) for v in ec.codes_get_array(h, "latitudes")]
        m["longitudes"] = [float(v) for v in ec.codes_get_array(h, "longitudes")]
        out.append(m)
        ec.codes_release(h)
  return out
json.dump({p: read(p) for p in sys.argv[1:]}, sys.stdout)
`;

/** Reads several files in one python process (each start costs about a second). */
export function eccodesRead(paths: readonly string[]): Record<string, EccodesMessage[]> {
  const run = spawnSync("/usr/bin/python3", ["-c", SCRIPT, ...paths], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`eccodes failed on ${paths.join(", ")}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, EccodesMessage[]>;
}

/** Runs a python snippet with eccodes and numpy available; returns stdout. */
export function python(script: string, args: string[] = []): string {
  const run = spawnSync("/usr/bin/python3", ["-c", script, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`python failed: ${run.stderr}`);
  return run.stdout;
}
