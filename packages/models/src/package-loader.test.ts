import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadModelPackage, packageIntegrity, readPackageManifest } from "./package-loader.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-pkg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makePackage(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("model packages", () => {
  it("loads a JS package: identity from package.json, predict from its createModel", async () => {
    const pkg = makePackage("twice", {
      "package.json": JSON.stringify({
        name: "twice",
        version: "2.0.0",
        type: "module",
        fieldbench: { kind: "js", entry: "m.mjs", parameters: 3 },
      }),
      // Nearest-neighbour x2 of a 1x1x1x2 field [1, 2] is [[1, 1, 2, 2], [1, 1, 2, 2]].
      "m.mjs": `export function createModel(o) {
        return { name: "ignored", version: "0", parameters: 0, integrity: "x", predict: async (lr, [n, c, h, w], { scale }) => {
          const out = new Float32Array(n * c * h * scale * w * scale);
          for (let y = 0; y < h * scale; y++) for (let x = 0; x < w * scale; x++) out[y * w * scale + x] = lr[Math.floor(y / scale) * w + Math.floor(x / scale)];
          return out; } };
      }`,
    });
    const model = await loadModelPackage(pkg, { scale: 2 });
    expect(model).toMatchObject({ name: "twice", version: "2.0.0", parameters: 3 });
    expect(Array.from(await model.predict(Float32Array.from([1, 2]), [1, 1, 1, 2], { scale: 2 }))).toEqual([
      1, 1, 2, 2, 1, 1, 2, 2,
    ]);
  });

  it("hashes every file of the package as hashlib does (sorted '<path> <sha256>' lines, dot-files and node_modules included)", async () => {
    const pkg = makePackage("hashed", {
      "package.json": "{}",
      "b/c.txt": "c\n",
      "a.txt": "a\n",
      "node_modules/x/y": "entry could live here",
      ".cache/z": "hidden",
    });
    const py = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        `import hashlib, sys
root = sys.argv[1]
lines = "".join(f"{p} {hashlib.sha256(open(root + '/' + p, 'rb').read()).hexdigest()}\\n" for p in sorted([".cache/z", "a.txt", "b/c.txt", "node_modules/x/y", "package.json"]))
print("sha256-" + hashlib.sha256(lines.encode()).hexdigest())`,
        pkg,
      ],
      { encoding: "utf8" },
    );
    expect(await packageIntegrity(pkg)).toBe(py.stdout.trim());
  });

  it("refuses a package.json without a valid fieldbench field, with one line naming the package", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: "a", version: "1" }, /no "fieldbench" field/],
      [{ name: "a" }, /needs a name and a version/],
      [
        { name: "a", version: "1", fieldbench: { kind: "pytorch", entry: "m.pt" } },
        /kind must be one of js, tfjs, onnx/,
      ],
      [{ name: "a", version: "1", fieldbench: { kind: "js", entry: "../escape.mjs" } }, /inside the package/],
      [
        { name: "a", version: "1", fieldbench: { kind: "onnx", entry: "missing.onnx" } },
        /missing\.onnx does not exist/,
      ],
    ];
    cases.forEach(([manifest, reason], i) => {
      const pkg = makePackage(`bad${i}`, { "package.json": JSON.stringify(manifest) });
      expect(() => readPackageManifest(pkg)).toThrow(reason);
    });
  });
});
