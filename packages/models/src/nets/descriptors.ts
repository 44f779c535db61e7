import { FieldbenchError } from "@fieldbench/core";
import type { TileSpec } from "../model.js";

/**
 * What the harness knows about each trainable net, without loading TF.js: training defaults, inference tiles and the
 * names of its packages. The TF.js graph is built by `NETS[name].build` (`@fieldbench/models/tfjs`), keyed by these
 * names, so a net is its build function plus its entry here; training, `fieldbench train`, the learned-baseline
 * registry and the GPU scripts read the rest from this table.
 */
export interface NetDescriptor {
  /** One line for `fieldbench train --help`. */
  readonly description: string;
  /** Adam's learning rate by default: SuperBench's for the net on NSKT bicubic (SuperBench's eval.sh; docs/superbench.md). */
  readonly learningRate: number;
  /** Training loss: L1 for the CNNs, MSE for FNO (SuperBench v2). */
  readonly loss: "meanAbsoluteError" | "meanSquaredError";
  /** True when the net expects LR already upsampled (bicubic, pixel-centre) to HR size. */
  readonly preUpsampled: boolean;
  /** LR tile for full-field inference at `scale`, for a net trained on `trainingCrop`² HR crops. */
  readonly tile: (scale: number, trainingCrop?: number) => TileSpec;
  /** The tile depends on the training crop, so a trained package records it (FNO). */
  readonly recordsTile?: boolean;
  /** Accepts `--global-skip` (adds its pre-upsampled input to the output). */
  readonly globalSkip?: boolean;
}

/**
 * LR tiles for TF.js nets: whole 2048² fields exceed WebGPU's dispatch limits and take gigabytes of activations
 * on the CPU (SRCNN's first layer alone is 1 GiB at 2048²); 64 LR pixels with 8 of overlap keep both bounded.
 */
export const DEFAULT_TFJS_TILE: TileSpec = { size: 64, overlap: 8 };

/** SuperBench's HR training crop, the extent FNO packages see by default. */
const TRAINING_CROP = 128;

/**
 * Convolutional nets see the same thing in any tile (up to its border), so tiles are as big as WebGPU allows: nets
 * that convolve at HR (SRCNN) or near it (EDSR's last upsampling stages) keep a tile at 512² HR (x16 takes 32² LR
 * tiles); subpixel and WDSR convolve at LR only and keep 64.
 */
const hrConvTile = (scale: number): TileSpec => {
  const size = Math.max(16, Math.min(DEFAULT_TFJS_TILE.size, Math.floor(512 / scale)));
  return { size, overlap: Math.min(DEFAULT_TFJS_TILE.overlap, size / 4) };
};
const lrConvTile = (): TileSpec => DEFAULT_TFJS_TILE;

/**
 * FNO's tile: the LR extent of its HR training crop, a quarter of it shared with neighbours. Its 12 Fourier modes are
 * fractions of the input's extent, so it must see tiles of the extent it was trained on (on the embedded sample,
 * 256² tiles instead of the 128² training crops raised the x8 package's RFNE from 0.530 to 0.687).
 */
export function fnoTile(cropSize: number, scale: number): TileSpec {
  const size = Math.floor(cropSize / scale);
  return { size, overlap: Math.floor(size / 4) };
}

const DESCRIPTORS = {
  srcnn: {
    description: "SRCNN 9-5-5, 64/32 channels, on bicubic pre-upsampled input (0.07 M parameters at x8)",
    learningRate: 1e-3,
    loss: "meanAbsoluteError",
    preUpsampled: true,
    tile: hrConvTile,
  },
  subpixel: {
    description: "subpixel CNN (ESPCN-style), convolutions at LR then a pixel shuffle (0.34 M)",
    learningRate: 1e-3,
    loss: "meanAbsoluteError",
    preUpsampled: false,
    tile: lrConvTile,
  },
  edsr: {
    description: "EDSR, 16 residual blocks of 64 channels, x2 pixel-shuffle stages (1.67 M)",
    learningRate: 1e-3,
    loss: "meanAbsoluteError",
    preUpsampled: false,
    tile: hrConvTile,
  },
  wdsr: {
    description: "WDSR-A, 18 wide blocks of 32 channels, circular padding (1.40 M)",
    learningRate: 2e-4,
    loss: "meanAbsoluteError",
    preUpsampled: false,
    tile: lrConvTile,
  },
  fno: {
    description: "FNO2d, 4 Fourier layers of 12x12 modes, width 64, on pre-upsampled input, MSE loss (4.75 M)",
    learningRate: 1e-3,
    loss: "meanSquaredError",
    preUpsampled: true,
    tile: (scale, trainingCrop = Math.max(TRAINING_CROP, 4 * scale)) => fnoTile(trainingCrop, scale),
    recordsTile: true,
    globalSkip: true,
  },
} satisfies Record<string, NetDescriptor>;

export type NetName = keyof typeof DESCRIPTORS;
/** Every trainable net by name (a new net is one entry here plus its build function in nets.ts). */
export const NET_DESCRIPTORS: Readonly<Record<NetName, NetDescriptor>> = DESCRIPTORS;
export const NET_NAMES = Object.keys(DESCRIPTORS) as readonly NetName[];

export function isNetName(name: string): name is NetName {
  return Object.hasOwn(DESCRIPTORS, name);
}

/** `name` as a net name; UNKNOWN_MODEL names the trainable ones. */
export function parseNetName(name: string): NetName {
  if (!isNetName(name)) {
    throw new FieldbenchError("UNKNOWN_MODEL", `cannot train "${name}" (trainable: ${NET_NAMES.join(", ")})`);
  }
  return name;
}

export function getNet(name: string): NetDescriptor {
  return NET_DESCRIPTORS[parseNetName(name)];
}

/** Folder name of a trained package: <net>-<dataset>-<task> (`fieldbench train`'s default --out under models/). */
export function netPackageFolder(net: NetName, dataset: string, task: string): string {
  return `${net}-${dataset}-${task}`;
}

/** npm name of a trained package, as training writes it and result files record it. */
export function netPackageName(net: NetName, dataset: string, task: string): string {
  return `@fieldbench-models/${netPackageFolder(net, dataset, task)}`;
}

/** Folder under the repository's models/ of the committed baseline of a net at a scale (trained on NSKT). */
export function baselineFolder(net: NetName, scale: number): string {
  return `${net}-nskt-x${scale}`;
}
