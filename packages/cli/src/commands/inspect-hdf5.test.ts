import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const FIXTURES = fileURLToPath(new URL("../../../formats/fixtures/", import.meta.url));
const NC_GROUPS = join(FIXTURES, "groups.zlib-shuffle.packed-int16.nc");
const NC_TIMES = join(FIXTURES, "time.noleap-360day-julian.nc");
const tmp = mkdtempSync(join(tmpdir(), "cli-hdf5-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (argv: string[]) => runMain(argv);

/** Bad inputs, each made here: cut short, noise behind the magic, a 10^12-element dataset, a blosc filter. */
function badFiles(): Record<string, string> {
  const bytes = readFileSync(NC_GROUPS);
  const truncated = join(tmp, "truncated.nc");
  writeFileSync(truncated, bytes.subarray(0, 3000));
  const noise = join(tmp, "noise.h5");
  const body = Buffer.alloc(2048, 0);
  for (let i = 0; i < body.length; i++) body[i] = (i * 2654435761) >>> 24;
  writeFileSync(noise, Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), body]));
  const huge = join(tmp, "huge.h5");
  const made = spawnSync(
    "/usr/bin/python3",
    [
      "-c",
      "import sys, h5py; h5py.File(sys.argv[1], 'w').create_dataset('huge', shape=(10**6, 10**6), dtype='f4', chunks=(1000, 1000))",
      huge,
    ],
    { encoding: "utf8" },
  );
  if (made.status !== 0) throw new Error(made.stderr);
  return { truncated, noise, huge, blosc: join(FIXTURES, "blosc.unsupported-filter.h5") };
}

describe("fieldbench inspect on HDF5 / NetCDF4", () => {
  it("--json reports netcdf4 with named dims", async () => {
    const result = await run(["inspect", NC_GROUPS, "--json"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.format).toBe("netcdf4");
    expect(report.dims).toMatchObject({ time: 3, lat: 6, lon: 8, "forecast/step": 2 });
    expect(report.variables.find((v: { name: string }) => v.name === "t2m_packed").dims).toEqual([
      "time",
      "lat",
      "lon",
    ]);
  });

  it("--values decodes a noleap axis (59 days since 2000-01-01 is 2000-03-01)", async () => {
    const result = await run(["inspect", NC_TIMES, "--var", "time_noleap", "--values", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).values[2]).toBe("2000-03-01T00:00:00");
  });

  const files = badFiles();
  const cases: [string, string[], RegExp][] = [
    ["truncated file", ["inspect", files.truncated as string, "--json"], /truncated\.nc: /],
    ["random bytes behind the HDF5 magic", ["inspect", files.noise as string], /noise\.h5: /],
    [
      "a 10^12-element dataset read whole",
      ["inspect", files.huge as string, "--var", "huge", "--values", "--json"],
      /variable huge .*above the .* limit/,
    ],
    [
      "a blosc-compressed variable",
      ["inspect", files.blosc as string, "--var", "blosc", "--stats", "--json"],
      /variable blosc uses filter blosc \(id 32001\), which fieldbench cannot decode/,
    ],
  ];
  for (const [what, argv, reason] of cases) {
    it(`${what}: exit 2 with one line on stderr`, async () => {
      const result = await run(argv);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(reason);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    });
  }
});

describe("fieldbench inspect --stats per channel", () => {
  it("gives [N, C, H, W] statistics per channel that match numpy's nan-reductions over the other axes", async () => {
    // h5py writes a [2, 3, 4, 5] float32 dataset with NaNs in channel 1; numpy computes the reference itself.
    const path = join(tmp, "fields.h5");
    const py = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        `import sys, json, numpy as np, h5py
x = (np.arange(120, dtype=np.float32).reshape(2, 3, 4, 5) * 0.5 - 7).astype(np.float32)
x[0, 1, 0, :3] = np.nan
h5py.File(sys.argv[1], "w").create_dataset("fields", data=x)
a = x.astype(np.float64)
print(json.dumps([{"index": c, "count": int(np.isfinite(a[:, c]).sum()), "missing": int(np.isnan(a[:, c]).sum()),
  "min": float(np.nanmin(a[:, c])), "max": float(np.nanmax(a[:, c])), "mean": float(np.nanmean(a[:, c]))} for c in range(3)]))`,
        path,
      ],
      { encoding: "utf8" },
    );
    expect(py.stderr).toBe("");
    const expected = JSON.parse(py.stdout) as { mean: number }[];
    const r = await run(["inspect", path, "--var", "fields", "--stats", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats.perChannelDim).toMatch(/^(phony_dim_1|dim_1)$/);
    expect(stats.perChannel).toHaveLength(3);
    for (const [c, want] of expected.entries()) {
      const { mean, ...exact } = stats.perChannel[c];
      expect({ ...exact, mean: 0 }).toEqual({ ...want, mean: 0 });
      expect(mean).toBeCloseTo(want.mean, 9);
    }
    const text = await run(["inspect", path, "--var", "fields", "--stats"]);
    expect(text.stdout).toMatch(/\n {4}1 {2}count 37 missing 3 min /);
  });
});
