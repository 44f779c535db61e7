import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { FieldbenchError, checkAllocation, sha256File, createSha256 } from "@fieldbench/core";
import { type OpenFile, openFile, readDecodedFloat32 } from "@fieldbench/formats";
import type { DatasetSpec, SplitName } from "./datasets.js";

/**
 * Reads the SuperBench directory layout: <root>/<split>/*.h5 (sorted), each with `fields` [N, C, H, W] and, in
 * LR-sim datasets, `LR_fields` [N, C, H/s, W/s]. One snapshot is read at a time through a hyperslab, so a 200 x
 * 2048^2 split never sits in memory. ERA5 files store 721 rows; the last is dropped (SuperBench's loader does).
 */
export interface SplitReader {
  readonly split: SplitName;
  readonly dir: string;
  readonly files: readonly string[];
  /** Snapshots in the split (sum over files). */
  readonly length: number;
  /** HR snapshot [C, H, W] as float32 (cropped to the spec's grid). */
  readHr(index: number): Promise<Float32Array>;
  /** LR snapshot [C, h, w] from `LR_fields` (LR-sim datasets). */
  readLr(index: number): Promise<Float32Array>;
  close(): Promise<void>;
}

interface FileEntry {
  readonly path: string;
  readonly file: OpenFile;
  readonly count: number;
  readonly hasLr: boolean;
}

const HDF5_NAME = /\.(h5|hdf5|hdf)$/i;

/** Lists a split's HDF5 files (sorted, as SuperBench's glob); a missing folder is a one-line input error. */
export async function listSplitFiles(root: string, split: SplitName): Promise<string[]> {
  const dir = join(root, split);
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new FieldbenchError(
      "FILE_NOT_FOUND",
      `${root}: missing split folder ${split}/ (SuperBench layout: train/ valid_1/ valid_2/ test_1/ test_2/)`,
      { path: dir },
    );
  }
  const names = (await readdir(dir)).filter((n) => HDF5_NAME.test(n)).sort();
  if (names.length === 0) {
    throw new FieldbenchError("FILE_NOT_FOUND", `${dir}: no .h5 files in split ${split}`, { path: dir });
  }
  return names.map((n) => join(dir, n));
}

/** Opens one split, checking every file's `fields` against the spec before any data is read. */
export async function openSplit(
  root: string,
  split: SplitName,
  spec: DatasetSpec,
  options: { needLr?: boolean } = {},
): Promise<SplitReader> {
  const paths = await listSplitFiles(root, split);
  const entries: FileEntry[] = [];
  try {
    for (const path of paths) entries.push(await openChecked(path, spec, options.needLr === true));
  } catch (err) {
    await Promise.all(entries.map((e) => e.file.close()));
    throw err;
  }
  const length = entries.reduce((n, e) => n + e.count, 0);
  const [h, w] = spec.hr;
  const c = spec.channels.length;
  checkAllocation(c * h * w, 4, `${split} snapshot`);

  const locate = (index: number): { entry: FileEntry; local: number } => {
    if (!Number.isInteger(index) || index < 0 || index >= length) {
      throw new FieldbenchError("INVALID_VALUE", `${split}: snapshot ${index} is outside 0..${length - 1}`);
    }
    let local = index;
    for (const entry of entries) {
      if (local < entry.count) return { entry, local };
      local -= entry.count;
    }
    throw new FieldbenchError("INTERNAL", `${split}: snapshot ${index} not found`);
  };

  return {
    split,
    dir: join(root, split),
    files: paths,
    length,
    async readHr(index) {
      const { entry, local } = locate(index);
      return (await readDecodedFloat32(entry.file, "fields", [[local, local + 1], null, [0, h], [0, w]])).values;
    },
    async readLr(index) {
      const { entry, local } = locate(index);
      if (!entry.hasLr)
        throw new FieldbenchError("VARIABLE_NOT_FOUND", `${entry.path}: no LR_fields dataset`, { path: entry.path });
      return (await readDecodedFloat32(entry.file, "LR_fields", [[local, local + 1]])).values;
    },
    async close() {
      await Promise.all(entries.map((e) => e.file.close()));
    },
  };
}

async function openChecked(path: string, spec: DatasetSpec, needLr: boolean): Promise<FileEntry> {
  const file = await openFile(path);
  try {
    const fields = file.variables.find((v) => v.name === "fields" || v.name === "/fields");
    if (fields === undefined) {
      throw new FieldbenchError(
        "VARIABLE_NOT_FOUND",
        `${path}: no \`fields\` dataset (SuperBench files hold fields [N, C, H, W])`,
        { path },
      );
    }
    const c = spec.channels.length;
    const [n, fc, fh, fw] = fields.shape;
    if (fields.shape.length !== 4) {
      throw new FieldbenchError(
        "SHAPE_MISMATCH",
        `${path}: fields has shape [${fields.shape.join(", ")}], expected [N, ${c}, ${spec.storedRows}, ${spec.hr[1]}]`,
        { path },
      );
    }
    if (fc !== c) {
      throw new FieldbenchError(
        "SHAPE_MISMATCH",
        `${path}: fields has ${fc} channels, ${spec.key} has ${c} (${spec.channels.map((ch) => ch.name).join(", ")})`,
        { path },
      );
    }
    if (fh !== spec.storedRows || fw !== spec.hr[1]) {
      throw new FieldbenchError(
        "SHAPE_MISMATCH",
        `${path}: fields is ${fh}x${fw}, ${spec.key} is ${spec.storedRows}x${spec.hr[1]}`,
        { path },
      );
    }
    if (fields.dtype !== "float32" && fields.dtype !== "float64") {
      throw new FieldbenchError("UNSUPPORTED", `${path}: fields is ${fields.dtype}, expected float32`, { path });
    }
    const lr = file.variables.find((v) => v.name === "LR_fields" || v.name === "/LR_fields");
    if (needLr) {
      const s = spec.lrSimScale ?? 1;
      const want = [n, c, spec.hr[0] / s, spec.hr[1] / s];
      if (lr === undefined)
        throw new FieldbenchError("VARIABLE_NOT_FOUND", `${path}: no LR_fields dataset (needed by the lrsim task)`, {
          path,
        });
      if (lr.shape.join() !== want.join()) {
        throw new FieldbenchError(
          "SHAPE_MISMATCH",
          `${path}: LR_fields has shape [${lr.shape.join(", ")}], expected [${want.join(", ")}]`,
          { path },
        );
      }
    }
    return { path, file, count: n!, hasLr: lr !== undefined };
  } catch (err) {
    await file.close();
    throw err;
  }
}

/** sha256 over "<split>/<file> <sha256>\n" of every file of the test splits, names sorted: the dataset checksum. */
export async function checksumSplits(root: string, splits: readonly SplitName[]): Promise<string> {
  const hash = createSha256();
  for (const split of splits) {
    for (const path of await listSplitFiles(root, split)) {
      const name = `${split}/${path.slice(join(root, split).length + 1)}`;
      hash.update(`${name} ${await sha256File(path)}\n`);
    }
  }
  return hash.digest();
}
