import { FieldbenchError } from "@fieldbench/core";
import { isPackagePath, loadBaseline, loadPackageModel } from "./baselines.js";
import { INTERPOLATION_NAMES, createInterpolationModel } from "./interpolation.js";
import type { CreateModel, Model, ModelOptions } from "./model.js";
import { NET_NAMES } from "./nets/descriptors.js";

/**
 * Models by name: a Map of lazy factories (a new model is one module plus one `registerModel` line), so the
 * interpolation baselines never load TF.js. Every trainable net (nets/descriptors.ts) is a learned baseline here.
 */
const MODELS = new Map<string, () => Promise<CreateModel>>();

/** Adds (or replaces) a model factory, loaded on first use. */
export function registerModel(name: string, load: () => Promise<CreateModel>): void {
  MODELS.set(name, load);
}

for (const name of INTERPOLATION_NAMES) {
  registerModel(name, async () => (options?: ModelOptions) => createInterpolationModel(name, options));
}

for (const name of NET_NAMES) {
  registerModel(name, async () => (options?: ModelOptions) => loadBaseline(name, options));
}

export function modelNames(): string[] {
  return [...MODELS.keys()];
}

/** Builds a model by registry name; an unknown name throws UNKNOWN_MODEL listing the known ones. */
export async function createModel(name: string, options: ModelOptions = {}): Promise<Model> {
  const load = MODELS.get(name);
  if (load === undefined && isPackagePath(name)) return loadPackageModel(name, options);
  if (load === undefined) {
    throw new FieldbenchError("UNKNOWN_MODEL", `unknown model "${name}" (known: ${modelNames().join(", ")})`);
  }
  const create = await load();
  return create(options);
}
