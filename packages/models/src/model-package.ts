import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { FieldbenchError } from "@fieldbench/core";
import { ensureBackend } from "./backends/select.js";
import type { Model, TileSpec } from "./model.js";
import { NET_DESCRIPTORS, type NetName, isNetName } from "./nets/descriptors.js";
import { type NetConfig, wrapLayersModel } from "./tfjs-model.js";
import { loadLayersModel, weightsSha256 } from "./weights-io.js";

/** The `fieldbench` field of a TF.js baseline's package.json (written by `fieldbench train`). */
export interface TfjsPackageField extends NetConfig {
  readonly kind: "tfjs";
  readonly entry: string;
  readonly dataset?: string;
  readonly task?: string;
  readonly weightsSha256?: string;
  /** LR tile for full-field inference (default: defaultTfjsTile). */
  readonly tile?: TileSpec;
}

/** The tile a TF.js net runs with when its package records none: the net descriptor's rule. */
export function defaultTfjsTile(net: NetName, scale: number): TileSpec {
  return NET_DESCRIPTORS[net].tile(scale);
}

/** Loads a TF.js model package directory as a fieldbench Model; the weights' sha256 is checked against the package. */
export async function loadTfjsPackage(dir: string, options: { tile?: TileSpec } = {}): Promise<Model> {
  await ensureBackend();
  const root = resolve(dir);
  const pkgPath = join(root, "package.json");
  let pkg: { name?: string; version?: string; fieldbench?: Partial<TfjsPackageField> };
  try {
    pkg = JSON.parse(await readFile(pkgPath, "utf8"));
  } catch (cause) {
    throw new FieldbenchError("BAD_PACKAGE", `${pkgPath}: not a readable package.json`, { path: pkgPath, cause });
  }
  const field = pkg.fieldbench;
  if (field === undefined || field.kind !== "tfjs" || field.net === undefined || !isNetName(field.net)) {
    throw new FieldbenchError(
      "BAD_PACKAGE",
      `${pkgPath}: the fieldbench field does not describe a TF.js baseline (kind "tfjs", net)`,
      {
        path: pkgPath,
      },
    );
  }
  const config: NetConfig = {
    net: field.net,
    channels: Number(field.channels),
    scale: Number(field.scale),
    normalization: field.normalization ?? { mean: [], std: [] },
    ...(field.globalSkip === true ? { globalSkip: true } : {}),
  };
  let integrity: string;
  try {
    integrity = await weightsSha256(root);
  } catch (cause) {
    throw new FieldbenchError("BAD_PACKAGE", `${root}: its model.json or a weight file it names is unreadable`, {
      path: root,
      cause,
    });
  }
  if (field.weightsSha256 !== undefined && field.weightsSha256 !== integrity) {
    throw new FieldbenchError(
      "BAD_PACKAGE",
      `${root}: weights sha256 ${integrity} differs from the package's ${field.weightsSha256}`,
      {
        path: root,
      },
    );
  }
  const layers = await loadLayersModel(root);
  return wrapLayersModel(layers, config, {
    name: pkg.name ?? field.net,
    version: pkg.version ?? "0.0.0",
    integrity: `sha256-${integrity}`,
    tile: {
      ...(options.tile ?? field.tile ?? defaultTfjsTile(config.net, config.scale)),
      ...(config.net === "fno" ? { fixedExtent: true } : {}),
    },
  });
}
