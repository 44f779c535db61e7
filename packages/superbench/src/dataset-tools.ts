import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FieldbenchError, isFieldbenchError } from "@fieldbench/core";
import { valueSha256 } from "@fieldbench/datagen";
import { energySpectrum } from "@fieldbench/metrics";
import { type KnownDataset, loadKnownDatasets } from "@fieldbench/leaderboard";
import { DATASETS, type DatasetSpec, SPLITS, TEST_SPLITS, getDataset } from "./datasets.js";
import { type DataCard, expectedValueChecksums, readDataCard, specFromCard } from "./data-card.js";
import { type SplitReader, checksumSplits, openSplit } from "./reader.js";
import { embeddedDataRoot } from "./run.js";

/** The checkout's dataset cards and leaderboard registry (a package installed from npm alone has neither). */
export function datasetCardPath(key: string): string {
  return fileURLToPath(new URL(`../../../datasets/${key}.md`, import.meta.url));
}
export function defaultLeaderboardRoot(): string {
  return fileURLToPath(new URL("../../../leaderboards", import.meta.url));
}

export interface DatasetSummary {
  readonly key: string;
  readonly version: string;
  readonly title: string;
  readonly family: string;
  readonly channels: readonly string[];
  readonly hr: readonly [number, number];
  /** Shipped in datasets/embedded/ (runs without --data). */
  readonly embedded: boolean;
}

/** `fieldbench datasets list`. */
export function listDatasets(): DatasetSummary[] {
  return DATASETS.map((spec) => ({
    key: spec.key,
    version: spec.version,
    title: spec.title,
    family: spec.family,
    channels: spec.channels.map((c) => c.name),
    hr: spec.hr,
    embedded: existsSync(embeddedDataRoot(spec.key)),
  }));
}

/** `fieldbench datasets info KEY`: the spec, where its card and embedded copy are, and its published checksums. */
export async function datasetInfo(
  key: string,
  leaderboardRoot = defaultLeaderboardRoot(),
): Promise<{ spec: DatasetSpec; card?: string; embedded?: string; knownChecksums: readonly KnownDataset[] }> {
  const spec = getDataset(key);
  const card = datasetCardPath(key);
  const embedded = embeddedDataRoot(key);
  return {
    spec,
    ...(existsSync(card) ? { card } : {}),
    ...(existsSync(embedded) ? { embedded } : {}),
    knownChecksums: await knownFor(spec, leaderboardRoot),
  };
}

async function knownFor(spec: DatasetSpec, root: string): Promise<KnownDataset[]> {
  if (!existsSync(root)) return [];
  const known = await loadKnownDatasets(root);
  return known.filter((k) => k.key === spec.key && k.version === spec.version);
}

export interface VerifyReport {
  readonly key: string;
  readonly root: string;
  readonly splits: readonly { split: string; files: number; snapshots: number }[];
  /** sha256 over the test splits, as result files and the leaderboard record it. */
  readonly checksum?: string;
  readonly expected: readonly string[];
  /** Present when the folder's card.json lists value checksums: how many snapshots were checked and differ. */
  readonly values?: { readonly checked: number; readonly differ: number; readonly examples: readonly string[] };
  /** Present with --statistics: per split, moments and spectrum against the card's, within STATISTICS_TOLERANCES. */
  readonly statistics?: readonly SplitStatisticsCheck[];
  /** One plain sentence on what the comparison means. */
  readonly summary?: string;
  readonly problems: readonly string[];
  readonly ok: boolean;
}

export interface SplitStatisticsCheck {
  readonly split: string;
  readonly snapshots: number;
  /** max over channels of |mean - card mean| / card std. */
  readonly meanShift: number;
  /** max over channels of |std / card std - 1|. */
  readonly stdRelative: number;
  /** RMS over shells 1 <= k < n/3 of log10(E(k) / card E(k)), spectra averaged over the split's snapshots. */
  readonly spectrumLog10Rms: number;
  readonly ok: boolean;
}

/**
 * What "the same dataset" means when values differ (another GPU, another Dawn): the chaotic flow decorrelates
 * after spin-up, so snapshots differ, but statistics over a split do not beyond sampling error. With 40 snapshots
 * from 4 trajectories the channel std varies by a few percent between seeds (hence 10%); the mean spectrum's
 * shape is tighter (0.1 in log10 RMS, about 26%).
 */
export const STATISTICS_TOLERANCES = { meanShift: 0.05, stdRelative: 0.1, spectrumLog10Rms: 0.1 } as const;

export interface VerifyOptions {
  /** Compare each split's moments and energy spectrum with the card's (for data generated elsewhere). */
  readonly statistics?: boolean;
  readonly leaderboardRoot?: string;
}

/**
 * `fieldbench datasets verify [KEY] --data DIR`: every split is opened against the spec (files, `fields` shape and
 * channels, LR_fields for LR-sim sets), and the test splits' checksum is compared with the published ones. A folder
 * with a card.json listing value checksums (a generated set; no KEY needed) has every snapshot's values checked;
 * with `statistics`, differing values are reported but only moments and spectra outside tolerance are problems.
 * Problems are collected, not thrown, so one run lists all of them.
 */
export async function verifyDataset(
  key: string | undefined,
  root: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const card = await readDataCard(root);
  if (key === undefined && card === undefined) {
    throw new FieldbenchError(
      "BAD_USAGE",
      `${root}: no card.json with a dataset block; name the dataset (verify KEY --data DIR)`,
    );
  }
  const spec = key === undefined ? specFromCard(card!) : getDataset(key);
  const problems: string[] = [];
  if (key !== undefined && card !== undefined && card.dataset.key !== spec.key) {
    problems.push(`${card.path} describes ${card.dataset.key}, not ${spec.key}`);
  }
  const splits: { split: string; files: number; snapshots: number }[] = [];
  const readers: SplitReader[] = [];
  try {
    for (const split of SPLITS) {
      try {
        const reader = await openSplit(root, split, spec, { needLr: spec.lrSimScale !== undefined });
        splits.push({ split, files: reader.files.length, snapshots: reader.length });
        readers.push(reader);
      } catch (err) {
        if (!isFieldbenchError(err)) throw err;
        // Held-out sets hold only the test splits: their card lists no file of the others.
        if (card !== undefined && !card.files.some((f) => f.split === split)) continue;
        problems.push(err.message);
      }
    }
    const values = card === undefined || card.files.length === 0 ? undefined : await checkValues(card, readers);
    const statistics =
      options.statistics && card !== undefined ? await checkStatistics(card, readers, spec) : undefined;
    if (options.statistics && card?.statistics === undefined) {
      problems.push(`${card?.path ?? join(root, "card.json")}: no statistics to compare with (not a release card)`);
    }
    const statsOk = statistics !== undefined && statistics.length > 0 && statistics.every((s) => s.ok);
    for (const s of statistics ?? []) {
      if (!s.ok) {
        problems.push(
          `${s.split}: statistics outside tolerance (mean shift ${s.meanShift.toFixed(3)} std, std ${(100 * s.stdRelative).toFixed(1)}%, spectrum ${s.spectrumLog10Rms.toFixed(3)} log10 RMS; tolerances ${JSON.stringify(STATISTICS_TOLERANCES)})`,
        );
      }
    }
    if (values !== undefined && values.differ > 0 && !options.statistics) {
      problems.push(
        `values of ${values.differ} of ${values.checked} snapshots differ from the card (${values.examples.join("; ")})`,
      );
    }
    const summary = describe(values, options.statistics === true ? statsOk : undefined);
    const testsPresent = TEST_SPLITS.every((s) => splits.some((x) => x.split === s));
    const checksum = testsPresent ? await checksumSplits(root, TEST_SPLITS) : undefined;
    const expected = (await knownFor(spec, options.leaderboardRoot ?? defaultLeaderboardRoot())).map((k) => k.checksum);
    if (checksum !== undefined && expected.length > 0 && !expected.includes(checksum)) {
      problems.push(
        `test splits have checksum ${checksum}; the published ${spec.key} ${spec.version} has ${expected.join(" or ")}`,
      );
    }
    return {
      key: spec.key,
      root,
      splits,
      ...(checksum === undefined ? {} : { checksum }),
      expected,
      ...(values === undefined ? {} : { values }),
      ...(statistics === undefined ? {} : { statistics }),
      ...(summary === undefined ? {} : { summary }),
      problems,
      ok: problems.length === 0,
    };
  } finally {
    await Promise.all(readers.map((r) => r.close()));
  }
}

function describe(values: VerifyReport["values"], statsOk: boolean | undefined): string | undefined {
  if (values === undefined) return undefined;
  const same =
    values.differ === 0
      ? `all ${values.checked} snapshots have the card's values (bit-identical)`
      : `the values differ from the card's in ${values.differ} of ${values.checked} snapshots: this is not the same data, bit for bit`;
  if (statsOk === undefined) return same;
  return `${same}; the statistics ${statsOk ? "agree" : "do not agree"} within the stated tolerances`;
}

async function checkValues(
  card: DataCard,
  readers: readonly SplitReader[],
): Promise<NonNullable<VerifyReport["values"]>> {
  let checked = 0;
  let differ = 0;
  const examples: string[] = [];
  for (const reader of readers) {
    const expected = expectedValueChecksums(card, reader.split);
    if (expected.length !== reader.length) {
      differ += Math.abs(expected.length - reader.length);
      examples.push(`${reader.split} has ${reader.length} snapshots, the card lists ${expected.length}`);
    }
    for (let i = 0; i < Math.min(expected.length, reader.length); i++) {
      checked++;
      if (valueSha256(await reader.readHr(i)) !== expected[i]) {
        differ++;
        if (examples.length < 5) examples.push(`${reader.split} snapshot ${i}`);
      }
    }
  }
  return { checked, differ, examples };
}

async function checkStatistics(
  card: DataCard,
  readers: readonly SplitReader[],
  spec: DatasetSpec,
): Promise<SplitStatisticsCheck[]> {
  const [h, w] = spec.hr;
  const out: SplitStatisticsCheck[] = [];
  for (const reader of readers) {
    const ref = card.statistics?.[reader.split];
    if (ref === undefined || reader.length === 0) continue;
    const c = spec.channels.length;
    const sum = new Float64Array(c);
    const squares = new Float64Array(c);
    let spectrum: Float64Array | undefined;
    for (let i = 0; i < reader.length; i++) {
      const hr = await reader.readHr(i);
      for (let ch = 0; ch < c; ch++) {
        for (let o = ch * h * w; o < (ch + 1) * h * w; o++) {
          sum[ch]! += hr[o]!;
          squares[ch]! += hr[o]! * hr[o]!;
        }
      }
      const e = await energySpectrum(hr.subarray(0, h * w), hr.subarray(h * w, 2 * h * w), h, w);
      if (spectrum === undefined) spectrum = e;
      else for (let k = 0; k < e.length; k++) spectrum[k]! += e[k]!;
    }
    const count = reader.length * h * w;
    let meanShift = 0;
    let stdRelative = 0;
    for (let ch = 0; ch < c; ch++) {
      const mean = sum[ch]! / count;
      const std = Math.sqrt(Math.max(0, squares[ch]! / count - mean * mean));
      meanShift = Math.max(meanShift, Math.abs(mean - ref.mean[ch]!) / ref.std[ch]!);
      stdRelative = Math.max(stdRelative, Math.abs(std / ref.std[ch]! - 1));
    }
    let squaredLog = 0;
    let shells = 0;
    for (let k = 1; k < Math.min(h, w) / 3 && k < ref.spectrum.length; k++) {
      const ours = spectrum![k]! / reader.length;
      if (!(ours > 0 && ref.spectrum[k]! > 0)) continue;
      squaredLog += Math.log10(ours / ref.spectrum[k]!) ** 2;
      shells++;
    }
    const spectrumLog10Rms = shells > 0 ? Math.sqrt(squaredLog / shells) : Number.POSITIVE_INFINITY;
    const t = STATISTICS_TOLERANCES;
    out.push({
      split: reader.split,
      snapshots: reader.length,
      meanShift,
      stdRelative,
      spectrumLog10Rms,
      ok: meanShift <= t.meanShift && stdRelative <= t.stdRelative && spectrumLog10Rms <= t.spectrumLog10Rms,
    });
  }
  return out;
}
