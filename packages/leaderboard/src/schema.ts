import { METRIC_MODES } from "@fieldbench/metrics";
import { z } from "zod";

/**
 * The SuperBench result file: one run of one model on one dataset and task. The leaderboard is built only from
 * committed files that validate against this schema; CI re-scoring compares its own run against one.
 * Metric values are numbers or null (JSON has no NaN: an undefined metric, e.g. psnr with max(target) <= 0).
 */
export const RESULT_SCHEMA_ID = "fieldbench/superbench-result/1";

const metricValue = z.number().nullable();
const metricRecord = z.record(z.string(), metricValue);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "a lowercase sha256 hex digest");

export const splitResultSchema = z.object({
  /** Snapshots scored in this split (after --limit and --shard). */
  snapshots: z.number().int().nonnegative(),
  /** Arithmetic mean over (snapshot, channel) as SuperBench; snapshot-level metrics averaged over snapshots. */
  metrics: metricRecord,
  /** One record per channel, in the dataset's channel order. */
  perChannel: z.array(metricRecord),
  /** 95% bootstrap confidence interval over snapshots, per metric. */
  ci95: z.record(z.string(), z.tuple([metricValue, metricValue])),
  /** Per-snapshot scores (index in the split, per-channel values, snapshot-level values): shards merge exactly. */
  perSnapshot: z
    .array(
      z.object({
        index: z.number().int().nonnegative(),
        perChannel: z.array(metricRecord),
        snapshot: metricRecord,
      }),
    )
    .optional(),
});

export const resultSchema = z.object({
  schema: z.literal(RESULT_SCHEMA_ID),
  suite: z.object({ name: z.literal("superbench"), specVersion: z.string().min(1) }),
  /** compat: SuperBench's metric definitions; default: fieldbench's documented fixes. */
  mode: z.enum(METRIC_MODES),
  dataset: z.object({
    key: z.string().min(1),
    version: z.string().min(1),
    /** sha256 over "<split>/<file> <sha256 of file>\n" lines of the test split files, sorted. */
    checksum: sha256Hex,
    /**
     * For generated datasets whose card lists value checksums (fieldbench releases): sha256 over the test snapshots'
     * float32 values (datagen's datasetValueChecksum), the same on every copy however HDF5 wrote the bytes.
     */
    valueChecksum: sha256Hex.optional(),
    channels: z.array(z.string()).min(1),
  }),
  task: z.object({
    name: z.string().min(1),
    degradation: z.enum(["bicubic-aa", "bicubic", "uniform", "noisy-uniform", "lrsim"]),
    scale: z.number().int().positive(),
    noiseRatio: z.number().nonnegative().optional(),
  }),
  model: z.object({
    name: z.string().min(1),
    version: z.string().min(1),
    integrity: z.string().min(1),
    parameters: z.number().int().nonnegative(),
  }),
  splits: z.object({ test_1: splitResultSchema, test_2: splitResultSchema }),
  /** Present when the run covered a subset: --limit N per split, --shard i/n. */
  subset: z
    .object({
      limit: z.number().int().positive().optional(),
      shard: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
    })
    .optional(),
  hardware: z.object({
    platform: z.string(),
    arch: z.string(),
    cpu: z.string(),
    cores: z.number().int().positive(),
    memoryBytes: z.number().nonnegative(),
    accelerator: z.string().optional(),
  }),
  harness: z.object({ name: z.literal("fieldbench"), version: z.string().min(1), node: z.string() }),
  wallTimeSeconds: z.number().nonnegative(),
  /**
   * `ci-score` with a secret seed: the package's RFNE on snapshots generated at scoring time from the public recipe
   * and the seed, whose sha256 (commitment) lets anyone regenerate them once the seed is revealed.
   */
  heldOut: z
    .object({
      commitment: sha256Hex,
      snapshots: z.number().int().positive(),
      rfne: metricValue,
      ci95: z.tuple([metricValue, metricValue]),
      leak: z.boolean(),
    })
    .optional(),
  /** ISO-8601 UTC time the run finished. */
  date: z.iso.datetime(),
});

export type SplitResult = z.infer<typeof splitResultSchema>;
export type SuperbenchResult = z.infer<typeof resultSchema>;

/** Parses a result; the error lists each problem with its path. */
export function parseResult(value: unknown): { ok: true; result: SuperbenchResult } | { ok: false; error: string } {
  const parsed = resultSchema.safeParse(value);
  if (parsed.success) return { ok: true, result: parsed.data };
  const error = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  return { ok: false, error };
}
