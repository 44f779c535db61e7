import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { FieldbenchError } from "@fieldbench/core";
import { createSolver, packSnapshot } from "@fieldbench/datagen";

/**
 * Held-out test snapshots no package can know: for an NSKT dataset, a fresh trajectory made at scoring time with the
 * dataset's public generator recipe and a secret seed. The public test split stays for local runs; a package that
 * memorised it (or re-simulated it from the public recipe and seed) scores no better here than an honest one.
 */
export interface NsktRecipe {
  /** HR grid points per side (the dataset's HR grid). */
  readonly n: number;
  readonly re: number;
  readonly k0: number;
  readonly cfl: number;
  /** Snapshot times of the held-out split: those of the public test splits, so the statistics match. */
  readonly times: readonly number[];
}

/** The recipes of the datasets `ci-score` can hold out (datasets/nskt_mini.md: Re 16000, k0 10, CFL 0.5). */
export const HELD_OUT_RECIPES: Readonly<Record<string, NsktRecipe>> = {
  nskt_mini: { n: 256, re: 16000, k0: 10, cfl: 0.5, times: [1.1, 1.3, 1.5, 1.6] },
};

export interface SecretSeed {
  readonly value: string;
  /** sha256 hex of the seed's UTF-8 bytes: published with the result, verifiable once the seed is revealed. */
  readonly commitment: string;
}

/** Where CI hands the seed over: FIELDBENCH_SECRET_SEED, or FIELDBENCH_SECRET_SEED_FILE / --secret-seed-file. */
export const SECRET_SEED_ENV = "FIELDBENCH_SECRET_SEED";
export const SECRET_SEED_FILE_ENV = "FIELDBENCH_SECRET_SEED_FILE";

export function secretSeed(value: string): SecretSeed {
  const trimmed = value.trim();
  if (trimmed.length < 16)
    throw new FieldbenchError("INVALID_VALUE", "the secret seed must be at least 16 characters (it is guessable)");
  return { value: trimmed, commitment: createHash("sha256").update(trimmed, "utf8").digest("hex") };
}

/** The seed from a file, else the environment; undefined when neither is given (the held-out split is skipped). */
export function readSecretSeed(
  options: { file?: string; env?: Readonly<Record<string, string | undefined>> } = {},
): SecretSeed | undefined {
  const env = options.env ?? process.env;
  const file = options.file ?? env[SECRET_SEED_FILE_ENV];
  if (file !== undefined && file !== "") {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (cause) {
      throw new FieldbenchError("FILE_NOT_FOUND", `${file}: cannot read the secret seed file`, { path: file, cause });
    }
    return secretSeed(text);
  }
  const value = env[SECRET_SEED_ENV];
  return value === undefined || value === "" ? undefined : secretSeed(value);
}

/**
 * The solver's integer seed: 48 bits of sha256 over a domain tag and the secret, so the published commitment (a hash
 * of the bare secret) says nothing about it and two datasets never share a trajectory.
 */
export function solverSeed(secret: SecretSeed, datasetKey: string): number {
  const digest = createHash("sha256").update(`fieldbench-held-out\u0000${datasetKey}\u0000${secret.value}`).digest();
  return digest.readUIntBE(0, 6);
}

/**
 * HR snapshots [3, n, n] (u, v, w) of one trajectory at the recipe's times. The one place that knows how a held-out
 * split is made: swap in datagen's own held-out generator here when it exists.
 */
export async function generateHeldOut(recipe: NsktRecipe, seed: number): Promise<Float32Array[]> {
  const solver = await createSolver({ n: recipe.n, re: recipe.re, seed, k0: recipe.k0, cfl: recipe.cfl }, "cpu");
  try {
    const out: Float32Array[] = [];
    for (const t of recipe.times) {
      await solver.advanceTo(t);
      out.push(packSnapshot(await solver.snapshot()));
    }
    return out;
  } finally {
    solver.dispose();
  }
}
