import { spawnSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkPackageFiles } from "./intake.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-intake-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const truth = new URL("../../../datasets/embedded/nskt_mini/test_1/nskt_mini.h5", import.meta.url).pathname;

let n = 0;
function pkg(setup: (root: string) => void | Promise<void>): Promise<string> {
  const root = join(dir, `p${n++}`);
  mkdirSync(root);
  writeFileSync(join(root, "package.json"), "{}");
  return Promise.resolve(setup(root)).then(() => root);
}

describe("checkPackageFiles (attack 3: links and special files)", () => {
  it("counts plain files, dot-files and node_modules included", async () => {
    const root = await pkg((r) => {
      mkdirSync(join(r, ".cache"));
      mkdirSync(join(r, "node_modules", "x"), { recursive: true });
      writeFileSync(join(r, ".cache", "a"), "12345");
      writeFileSync(join(r, "node_modules", "x", "i.mjs"), "123");
    });
    expect(checkPackageFiles(root)).toEqual({ files: 3, bytes: 2 + 5 + 3 });
  });

  it("refuses an absolute symlink, a relative one to a folder, and one hidden in a dot-folder", async () => {
    const cases: [(r: string) => void, RegExp][] = [
      [(r) => symlinkSync(truth, join(r, "weights.bin")), /weights\.bin is a symlink/],
      [(r) => symlinkSync("../../..", join(r, "up")), /up is a symlink/],
      [
        (r) => {
          mkdirSync(join(r, ".git"));
          symlinkSync(truth, join(r, ".git", "x"));
        },
        /\.git\/x is a symlink/,
      ],
    ];
    for (const [setup, message] of cases) {
      const root = await pkg(setup);
      expect(() => checkPackageFiles(root)).toThrow(message);
    }
  });

  it("refuses a hard link (it may alias a file outside), a FIFO and a unix socket", async () => {
    const outside = join(dir, "outside.bin");
    writeFileSync(outside, "secret");
    const hard = await pkg((r) => linkSync(outside, join(r, "weights.bin")));
    expect(() => checkPackageFiles(hard)).toThrow(/weights\.bin is a hard link \(2 links\)/);
    const fifo = await pkg((r) => {
      expect(spawnSync("mkfifo", [join(r, "pipe")]).status).toBe(0);
    });
    expect(() => checkPackageFiles(fifo)).toThrow(/pipe is a FIFO/);
    const server = createServer();
    const sock = await pkg((r) => new Promise<void>((done) => server.listen(join(r, "s.sock"), done)));
    try {
      expect(() => checkPackageFiles(sock)).toThrow(/s\.sock is a socket/);
    } finally {
      server.close();
    }
  });

  it("refuses a file or a total over the size limits, and too many files", async () => {
    const big = await pkg((r) => writeFileSync(join(r, "w.bin"), Buffer.alloc(2000)));
    const limits = { maxFiles: 3, maxDepth: 4, maxFileBytes: 1000, maxTotalBytes: 1500 };
    expect(() => checkPackageFiles(big, limits)).toThrow(/w\.bin is 2000 bytes, over the 1000-byte limit/);
    const total = await pkg((r) => {
      writeFileSync(join(r, "a"), Buffer.alloc(900));
      writeFileSync(join(r, "b"), Buffer.alloc(900));
    });
    expect(() => checkPackageFiles(total, limits)).toThrow(/more than 1500 bytes/);
    const many = await pkg((r) => {
      for (const f of ["a", "b", "c"]) writeFileSync(join(r, f), "");
    });
    expect(() => checkPackageFiles(many, limits)).toThrow(/more than 3 files/);
  });
});
