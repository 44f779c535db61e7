import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { FieldbenchError } from "@fieldbench/core";
import { ensureBackend } from "./backends/select.js";
import type { Model, TileSpec } from "./model.js";
import { type NetName, isNetName } from "./nets/nets.js";
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

/**
 * LR tiles for TF.js nets: whole 2048² fields exceed WebGPU's dispatch limits and take gigabytes of activations
 * on the CPU (SRCNN's first layer alone is 1 GiB at 2048²); 64 LR pixels with 8 of overlap keep both bounded.
 */
export const DEFAULT_TFJS_TILE: TileSpec = { size: 64, overlap: 8 };

/** SuperBench's HR training crop, the extent FNO packages see by default. */
const TRAINING_CROP = 128;

/**
 * The tile a TF.js net runs with. Convolutional nets see the same thing in any tile (up to its border), so tiles
 * are as big as WebGPU allows: nets that convolve at HR (SRCNN) or near it (EDSR's last upsampling stages) keep a
 * tile at 512² HR (x16 takes 32² LR tiles); subpixel and WDSR convolve at LR only and keep 64. FNO is different:
 * its 12 Fourier modes are fractions of the input's extent, so it must see tiles of the extent it was trained on,
 * the 128² HR crops (on the embedded sample, 256² tiles instead raised the x8 package's RFNE from 0.530 to 0.687).
 */
export function defaultTfjsTile(net: NetName, scale: number): TileSpec {
  if (net === "subpixel" || net === "wdsr") return DEFAULT_TFJS_TILE;
  if (net === "fno") return fnoTile(Math.max(TRAINING_CROP, 4 * scale), scale);
  const size = Math.max(16, Math.min(DEFAULT_TFJS_TILE.size, Math.floor(512 / scale)));
  return { size, overlap: Math.min(DEFAULT_TFJS_TILE.overlap, size / 4) };
}

/** FNO's tile: the LR extent of its HR training crop, a quarter of it shared with neighbours. */
export function fnoTile(cropSize: number, scale: number): TileSpec {
  const size = Math.floor(cropSize / scale);
  return { size, overlap: Math.floor(size / 4) };
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
