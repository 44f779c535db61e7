import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FieldbenchError } from "@fieldbench/core";
import type { Model, ModelOptions } from "./model.js";
import { type NetName, baselineFolder } from "./nets/descriptors.js";

/** models/<net>-nskt-x<scale>: the packages `fieldbench train` produced on the GPU machine (see models/README.md). */
export function baselinePackageDir(net: NetName, scale: number): string {
  const here = dirname(fileURLToPath(import.meta.url)); // packages/models/src or packages/models/dist
  return resolve(here, "..", "..", "..", "models", baselineFolder(net, scale));
}

/** True when `name` names a model package directory rather than a registry entry. */
export function isPackagePath(name: string): boolean {
  return (name.includes("/") || name.startsWith(".")) && existsSync(name) && statSync(name).isDirectory();
}

export async function loadPackageModel(dir: string, options: ModelOptions = {}): Promise<Model> {
  const { loadModelPackage } = await import("./package-loader.js");
  return loadModelPackage(dir, options);
}

/** A learned baseline: the committed package trained for this scale, with tiles for big fields. */
export async function loadBaseline(net: NetName, options: ModelOptions = {}): Promise<Model> {
  const scale = options.scale ?? 8;
  const dir = baselinePackageDir(net, scale);
  if (!existsSync(join(dir, "package.json"))) {
    throw new FieldbenchError(
      "UNKNOWN_MODEL",
      `no trained ${net} for x${scale} in ${dir}: train one with \`fieldbench train ${net} --dataset ... --task ...\` and pass its directory as --model`,
    );
  }
  return loadPackageModel(dir);
}
