import { existsSync, readFileSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { FieldbenchError, createSha256, sha256File } from "@fieldbench/core";
import type { Model, ModelOptions } from "./model.js";

/** The kinds of model package: a JS module exporting createModel, a TF.js model.json, or an ONNX graph. */
export const PACKAGE_KINDS = ["js", "tfjs", "onnx"] as const;
export type PackageKind = (typeof PACKAGE_KINDS)[number];

/** What a package.json says about a model package (its `fieldbench` field plus name and version). */
export interface PackageManifest {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly kind: PackageKind;
  /** A file inside the package. */
  readonly entry: string;
  readonly parameters: number;
}

function bad(dir: string, reason: string): never {
  throw new FieldbenchError("BAD_PACKAGE", `${dir}: ${reason}`, { path: dir });
}

/** Reads and checks <dir>/package.json's `fieldbench` field: {kind: "js" | "tfjs" | "onnx", entry, parameters?}. */
export function readPackageManifest(dirArg: string): PackageManifest {
  const dir = resolve(dirArg);
  let pkg: { name?: unknown; version?: unknown; fieldbench?: Record<string, unknown> };
  try {
    pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  } catch {
    bad(dir, "no readable package.json");
  }
  if (typeof pkg.name !== "string" || typeof pkg.version !== "string")
    bad(dir, "package.json needs a name and a version");
  const field = pkg.fieldbench;
  if (field === undefined || field === null || typeof field !== "object")
    bad(dir, 'package.json has no "fieldbench" field');
  const kind = field.kind as PackageKind;
  if (!PACKAGE_KINDS.includes(kind)) bad(dir, `fieldbench.kind must be one of ${PACKAGE_KINDS.join(", ")}`);
  const entry = field.entry;
  if (typeof entry !== "string" || entry.split(/[\\/]/).includes("..") || entry.startsWith("/"))
    bad(dir, "fieldbench.entry must name a file inside the package");
  if (!existsSync(join(dir, entry))) bad(dir, `fieldbench.entry ${entry} does not exist`);
  const parameters = Number(field.parameters ?? 0);
  return {
    dir,
    name: pkg.name,
    version: pkg.version,
    kind,
    entry,
    parameters: Number.isInteger(parameters) && parameters >= 0 ? parameters : 0,
  };
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name), base) : [relative(base, join(dir, d.name)).split("\\").join("/")],
  );
}

/**
 * `sha256-<hex>` over "<path> <sha256 of file>\n" lines of every file of the package, sorted by path: dot-files and
 * node_modules/ included, since an entry may live there (two different programs must never share a hash). Past
 * `deadline` (Date.now() ms) it throws TIMEOUT between files; ci-score bounds each file's size before hashing.
 */
export async function packageIntegrity(dir: string, options: { deadline?: number } = {}): Promise<string> {
  const hash = createSha256();
  for (const file of listFiles(dir).sort()) {
    if (options.deadline !== undefined && Date.now() > options.deadline)
      throw new FieldbenchError("TIMEOUT", `${dir}: hashing the package did not finish within the time limit`);
    hash.update(`${file} ${await sha256File(join(dir, file))}\n`);
  }
  return `sha256-${hash.digest()}`;
}

interface OrtTensor {
  readonly data: unknown;
}

/** An ONNX graph with one float32 input [N, C, h, w] and one output [N, C, H, W], on onnxruntime-node's CPU provider. */
async function loadOnnx(manifest: PackageManifest, integrity: string): Promise<Model> {
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(join(manifest.dir, manifest.entry), {
    executionProviders: ["cpu"],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const input = session.inputNames[0] as string;
  const output = session.outputNames[0] as string;
  // Counted from the graph's initializers, as ci-score counts them: a declared number is never trusted.
  const { countOnnx } = await import("./parameters.js");
  const parameters = countOnnx(await readFile(join(manifest.dir, manifest.entry)));
  return {
    name: manifest.name,
    version: manifest.version,
    parameters,
    integrity,
    async predict(lr, shape) {
      const result = await session.run({ [input]: new ort.Tensor("float32", lr, [...shape]) });
      const data = (result[output] as OrtTensor | undefined)?.data;
      if (!(data instanceof Float32Array))
        throw new FieldbenchError("BAD_PACKAGE", `${manifest.dir}: the ONNX graph's output is not float32`);
      return new Float32Array(data);
    },
    dispose: () => session.release(),
  };
}

/** A JS module exporting createModel(options); name, version and integrity come from the package, not the module. */
async function loadJs(manifest: PackageManifest, integrity: string, options: ModelOptions): Promise<Model> {
  const mod = (await import(pathToFileURL(join(manifest.dir, manifest.entry)).href)) as { createModel?: unknown };
  if (typeof mod.createModel !== "function") bad(manifest.dir, `${manifest.entry} does not export createModel`);
  const model = (await (mod.createModel as (o: ModelOptions) => Model | Promise<Model>)(options)) as Model;
  if (typeof model?.predict !== "function") bad(manifest.dir, "createModel() returned no predict function");
  return {
    name: manifest.name,
    version: manifest.version,
    parameters: manifest.parameters || (Number.isInteger(model.parameters) ? model.parameters : 0),
    integrity,
    ...(model.tile === undefined ? {} : { tile: model.tile }),
    predict: (lr, shape, o) => model.predict(lr, shape, o),
    dispose: () => model.dispose?.(),
  };
}

/** Loads any model package (js, tfjs, onnx) as a Model. */
export async function loadModelPackage(dir: string, options: ModelOptions = {}): Promise<Model> {
  const manifest = readPackageManifest(dir);
  if (manifest.kind === "tfjs") {
    const { loadTfjsPackage } = await import("./model-package.js");
    return loadTfjsPackage(manifest.dir);
  }
  const integrity = await packageIntegrity(manifest.dir);
  return manifest.kind === "onnx" ? loadOnnx(manifest, integrity) : loadJs(manifest, integrity, options);
}
