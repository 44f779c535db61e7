import { FieldbenchError } from "@fieldbench/core";

/**
 * SuperBench dataset specs (docs/superbench.md "SuperBench, exactly"; arXiv:2306.14070 v2). The normalisation constants
 * are the hard-coded values of SuperBench's `utils.py::get_data_info`, copied digit for digit: metrics are
 * computed on z = (x - mean_c) / std_c with these, never with statistics computed at run time.
 */
export const SPLITS = ["train", "valid_1", "valid_2", "test_1", "test_2"] as const;
export type SplitName = (typeof SPLITS)[number];
export const TEST_SPLITS = ["test_1", "test_2"] as const;
export type TestSplit = (typeof TEST_SPLITS)[number];

export interface ChannelSpec {
  readonly name: string;
  readonly units: string;
  readonly description: string;
}

export interface DatasetSpec {
  readonly key: string;
  /** Version of the data this spec describes ("v2" = SuperBench v2 release; "1" for fieldbench's own). */
  readonly version: string;
  readonly title: string;
  readonly family: "nskt" | "cosmo" | "era5";
  readonly channels: readonly ChannelSpec[];
  /** HR grid as used (ERA5: 720 x 1440). */
  readonly hr: readonly [number, number];
  /** Rows stored in the files before cropping (ERA5 stores 721). */
  readonly storedRows: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** Snapshots per split as published (valid and test are per folder pair: valid_1 + valid_2, test_1 + test_2). */
  readonly splitSizes: Readonly<Record<"train" | "valid" | "test", number>>;
  /** Synthetic degradation used by the bicubic tasks: antialiased (NSKT, cosmo) or plain PyTorch bicubic (ERA5). */
  readonly bicubicMethod: "bicubic-aa" | "bicubic";
  /** Scale of the LR-sim pairs (LR read from `LR_fields`), when the dataset is an LR-sim variant. */
  readonly lrSimScale?: number;
  /** Grid spacing for the divergence stencil (SuperBench: 2 pi / 2048 for NSKT). */
  readonly gridSpacing?: number;
  /**
   * fieldbench default mode: the fixed data range (z-units) for psnr_range and ssim. Fields are z-scored with the
   * dataset's constants, so +-4 standard deviations (range 8) covers all but ~1e-4 of a Gaussian field; using one
   * documented range instead of SuperBench's per-image range makes scores comparable across snapshots and models.
   */
  readonly dataRange: number;
  /** Where the data came from, for the card and the results file. */
  readonly source: string;
}

const NSKT_CHANNELS: readonly ChannelSpec[] = [
  { name: "u", units: "1 (non-dimensional velocity)", description: "x velocity" },
  { name: "v", units: "1 (non-dimensional velocity)", description: "y velocity" },
  { name: "w", units: "1 (non-dimensional vorticity)", description: "vorticity" },
];
const COSMO_CHANNELS: readonly ChannelSpec[] = [
  { name: "log_T", units: "log10 K", description: "log temperature" },
  { name: "log_rho_b", units: "log10 (baryon density / mean)", description: "log baryon density" },
];
const ERA5_CHANNELS: readonly ChannelSpec[] = [
  { name: "ke_10m", units: "m s-1 (as stored; SuperBench calls it KE at 10 m)", description: "kinetic energy at 10 m" },
  { name: "t2m", units: "K", description: "2 m temperature" },
  { name: "tcwv", units: "kg m-2", description: "total column water vapour" },
];

const NSKT_16K = {
  mean: [-9.4839566e-21, -7.88982956e-20, -2.07734654e-15],
  std: [0.67100703, 0.67113945, 10.27907989],
};
const NSKT_32K = {
  mean: [-1.44020306e-20, 5.80499913e-20, -1.65496884e-15],
  std: [0.67831907, 0.68145471, 10.75285724],
};
const COSMO = { mean: [3.9017, -0.3575], std: [0.2266, 0.4048] };
const ERA5 = { mean: [6.3024, 278.3945, 18.4262], std: [3.7376, 21.0588, 16.4687] };
const NSKT_H = (2 * Math.PI) / 2048;
const NSKT_SOURCE = "2-D Kraichnan turbulence, doubly periodic [0, 2pi]^2, 2048^2 (SuperBench v2, NERSC portal)";

function nskt(key: string, title: string, stats: { mean: number[]; std: number[] }, lrSim?: number): DatasetSpec {
  return {
    key,
    version: "v2",
    title,
    family: "nskt",
    channels: NSKT_CHANNELS,
    hr: [2048, 2048],
    storedRows: 2048,
    ...stats,
    splitSizes: lrSim ? { train: 1200, valid: 200, test: 200 } : { train: 1000, valid: 200, test: 200 },
    bicubicMethod: "bicubic-aa",
    ...(lrSim ? { lrSimScale: lrSim } : {}),
    gridSpacing: NSKT_H,
    dataRange: 8,
    source: NSKT_SOURCE,
  };
}

export const DATASETS: readonly DatasetSpec[] = [
  nskt("nskt_16k", "NSKT Re = 16000", NSKT_16K),
  nskt("nskt_32k", "NSKT Re = 32000", NSKT_32K),
  nskt("nskt_16k_sim_4", "NSKT Re = 16000, LR simulation x4", NSKT_16K, 4),
  nskt("nskt_32k_sim_4", "NSKT Re = 32000, LR simulation x4", NSKT_32K, 4),
  {
    key: "cosmo",
    version: "v2",
    title: "Cosmology hydrodynamics",
    family: "cosmo",
    channels: COSMO_CHANNELS,
    hr: [2048, 2048],
    storedRows: 2048,
    ...COSMO,
    splitSizes: { train: 1000, valid: 200, test: 200 },
    bicubicMethod: "bicubic-aa",
    dataRange: 8,
    source: "Cosmological hydrodynamics simulation (likely Nyx; SuperBench v2, NERSC portal)",
  },
  {
    key: "cosmo_sim_8",
    version: "v2",
    title: "Cosmology hydrodynamics, LR simulation x8",
    family: "cosmo",
    channels: COSMO_CHANNELS,
    hr: [2048, 2048],
    storedRows: 2048,
    // docs/superbench.md: LR-sim variants share their parent's statistics (SuperBench's utils.py has separate
    // cosmo_sim constants 3.8990/-0.3613, 0.2237/0.4039; the spec follows docs/superbench.md, see the dataset card).
    ...COSMO,
    splitSizes: { train: 1200, valid: 200, test: 100 },
    bicubicMethod: "bicubic-aa",
    lrSimScale: 8,
    dataRange: 8,
    source: "Cosmological hydrodynamics, HR 2048^2 with a matching LR 256^2 simulation (SuperBench v2)",
  },
  {
    key: "era5",
    version: "v2",
    title: "ERA5 weather (SuperBench subset)",
    family: "era5",
    channels: ERA5_CHANNELS,
    hr: [720, 1440],
    storedRows: 721,
    ...ERA5,
    splitSizes: { train: 1460, valid: 365, test: 730 },
    bicubicMethod: "bicubic",
    dataRange: 8,
    source: "ECMWF ERA5 reanalysis, 0.25 deg, daily (modified by SuperBench; Copernicus Climate Change Service)",
  },
  {
    key: "nskt_mini",
    version: "1",
    title: "NSKT-like embedded sample (256^2, shipped in the repository)",
    family: "nskt",
    channels: NSKT_CHANNELS,
    hr: [256, 256],
    storedRows: 256,
    ...NSKT_16K,
    splitSizes: { train: 1, valid: 2, test: 4 },
    bicubicMethod: "bicubic-aa",
    gridSpacing: (2 * Math.PI) / 256,
    dataRange: 8,
    source:
      "fieldbench datagen 2-D Kraichnan solver (Re 16000, k0 10, seed 0, t 1.0-1.6), tools/make-embedded-dataset-solver.mjs",
  },
  // fieldbench's own releases (issue 17): many independent trajectories, one seed each, generated by
  // `fieldbench datasets generate nskt --release <key>`; their cards are datasets/<key>.md. The z-score constants
  // below are PLACEHOLDERS (SuperBench's own NSKT constants) until the 2048^2 release is generated on the GPU
  // machine and its train split's mean and std (card.json `dataset.mean` / `dataset.std`) are copied here.
  fbRelease("nskt16k-fb-v1", 16000, NSKT_16K),
  fbRelease("nskt32k-fb-v1", 32000, NSKT_32K),
];

function fbRelease(key: string, re: number, placeholder: { mean: number[]; std: number[] }): DatasetSpec {
  return {
    ...nskt(key, `fieldbench NSKT Re = ${re} release fb-v1 (2048^2, independent trajectories)`, placeholder, 4),
    version: "fb-v1",
    // Default size: 20 train trajectories x 10, valid 2 x (10 + 10), test 4 x (10 + 10); --release-size superbench
    // makes SuperBench's 1000 / 200 / 200.
    splitSizes: { train: 200, valid: 40, test: 80 },
    source: `fieldbench datagen release ${key}: 2-D Kraichnan turbulence, Re ${re}, 2048^2 (z-score constants are placeholders until the GPU run)`,
  };
}

/** The dataset `fieldbench run superbench` uses when none is named: shipped in datasets/embedded/nskt_mini. */
export const DEFAULT_DATASET = "nskt_mini";

export function datasetKeys(): string[] {
  return DATASETS.map((d) => d.key);
}

/** Looks up a spec; keys with SuperBench's internal suffixes (`nskt_16k_sim_4_v7`) resolve to their base. */
export function getDataset(key: string): DatasetSpec {
  const normalized = key.replace(/_v\d+$/, "");
  const spec = DATASETS.find((d) => d.key === normalized);
  if (spec === undefined) {
    throw new FieldbenchError("UNKNOWN_DATASET", `unknown dataset "${key}" (known: ${datasetKeys().join(", ")})`);
  }
  return spec;
}

/**
 * Latitudes (degrees, one per row) of a lat-lon dataset's `rows` kept rows, for the latitude-weighted metrics; undefined
 * for other grids. ERA5 at 0.25 deg: 90, 89.75, ..., -89.75 (SuperBench drops the 721st row, -90).
 */
export function datasetLatitudes(spec: DatasetSpec, rows: number): Float64Array | undefined {
  if (spec.family !== "era5") return undefined;
  return Float64Array.from({ length: rows }, (_, i) => 90 - 0.25 * i);
}
