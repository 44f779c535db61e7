import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { url as inspectorUrl } from "node:inspector";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeHdf5 } from "@fieldbench/formats";
import type { SuperbenchResult } from "@fieldbench/leaderboard";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ciScore, judgeClaims } from "./ci-score.js";
import { getDataset } from "./datasets.js";
import { type NsktRecipe, generateHeldOut, secretSeed } from "./held-out.js";
import { runSuperbench } from "./run.js";

const examples = new URL("../../../examples/model-packages/", import.meta.url).pathname;
const hostile = new URL("../fixtures/hostile/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "fieldbench-ci-score-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Claims for the JS example made by an ordinary (unsandboxed) run of the bicubic baseline it wraps. */
let honest: SuperbenchResult;
beforeAll(async () => {
  const run = await runSuperbench({ out: join(dir, "bicubic.json"), model: "bicubic", progressMode: "quiet" });
  honest = { ...run.result, model: { ...run.result.model, name: "fieldbench-example-js-bicubic", version: "1.0.0" } };
}, 60_000);

function writeClaims(name: string, result: SuperbenchResult): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(result));
  return path;
}

/** Every claimed value 5% better than measured: errors 5% lower, psnr/ssim-like scores 5% higher. */
function fivePercentBetter(result: SuperbenchResult): SuperbenchResult {
  const higher = new Set(["psnr", "psnr_range", "ssim", "ms_ssim"]);
  const better = (r: Record<string, number | null>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? v : v * (higher.has(k) ? 1.05 : 0.95)]));
  const split = (s: SuperbenchResult["splits"]["test_1"]) => ({
    ...s,
    metrics: better(s.metrics),
    perChannel: s.perChannel.map(better),
  });
  return { ...result, splits: { test_1: split(result.splits.test_1), test_2: split(result.splits.test_2) } };
}

describe("ciScore: honest packages", () => {
  it("accepts an honest JS package whose claims an ordinary run made (reproduced to the last bit), in bubblewrap", async () => {
    const pkg = join(examples, "js-bicubic");
    const claims = { ...honest, model: { ...honest.model, integrity: (await ciScore(pkg)).result.model.integrity } };
    const outcome = await ciScore(pkg, { claims: writeClaims("honest.json", claims) });
    expect(outcome.reasons).toEqual([]);
    expect(outcome.accepted).toBe(true);
    expect(outcome.isolation.os).toBe("bwrap");
    expect(outcome.diffs?.every((d) => d.ok)).toBe(true);
    expect(outcome.result.splits.test_1.metrics).toEqual(honest.splits.test_1.metrics);
    expect(outcome.result.splits.test_2.perChannel).toEqual(honest.splits.test_2.perChannel);
  }, 60_000);

  it("rejects the same package claiming numbers 5% better than it scores, with a per-metric diff", async () => {
    const outcome = await ciScore(join(examples, "js-bicubic"), {
      claims: writeClaims("inflated.json", fivePercentBetter(honest)),
    });
    expect(outcome.accepted).toBe(false);
    const rfne = outcome.diffs?.find((d) => d.split === "test_1" && d.metric === "rfne");
    // bicubic's test_1 rfne is 0.52992 (tools/fixtures/nskt-mini-bicubic-rfne.py); the claim is 0.95 of it: 0.50342.
    expect(rfne).toMatchObject({ ok: false });
    expect(rfne?.claimed).toBeCloseTo(0.5034, 4);
    expect(rfne?.scored).toBeCloseTo(0.5299, 4);
    expect(outcome.reasons.join()).toMatch(/claimed values not reproduced/);
  }, 30_000);

  it("rejects claims made for another model name", async () => {
    const other = { ...honest, model: { ...honest.model, name: "someone-else" } };
    const outcome = await ciScore(join(examples, "js-bicubic"), { claims: writeClaims("other.json", other) });
    expect(outcome.accepted).toBe(false);
    expect(outcome.reasons[0]).toMatch(/^model: claimed \["someone-else","1.0.0"\]/);
  }, 30_000);

  it("accepts the ONNX example against claims from `run superbench --model DIR` (same interpolation as bicubic)", async () => {
    const pkg = join(examples, "onnx-cubic");
    const run = await runSuperbench({ out: join(dir, "onnx.json"), model: pkg, progressMode: "quiet" });
    expect(run.result.model).toMatchObject({ name: "fieldbench-example-onnx-cubic", version: "1.0.0" });
    // Resize(cubic, a = -0.75, half-pixel) is the interpolation fieldbench's bicubic uses: equal to float32 rounding.
    expect(run.result.splits.test_1.metrics.rfne).toBeCloseTo(honest.splits.test_1.metrics.rfne as number, 6);
    const outcome = await ciScore(pkg, { claims: join(dir, "onnx.json") });
    expect(outcome.reasons).toEqual([]);
    expect(outcome.accepted).toBe(true);
    expect(outcome.result.model.integrity).toMatch(/^sha256-[0-9a-f]{64}$/);
    // Counted from the graph, not declared (0 in its package.json): scales [4] + roi [0] (tools/fixtures/onnx-cubic.py).
    expect(outcome.result.model.parameters).toBe(4);
  }, 60_000);

  it("scores the same numbers with --no-sandbox (Node's permission model alone) as in bubblewrap", async () => {
    const pkg = join(examples, "js-bicubic");
    const plain = await ciScore(pkg, { sandbox: false });
    expect(plain.isolation.os).toBe("none");
    expect(plain.result.splits.test_1.metrics).toEqual(honest.splits.test_1.metrics);
  }, 30_000);

  it("refuses a directory that is not a model package", async () => {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    writeFileSync(join(empty, "package.json"), JSON.stringify({ name: "x", version: "1.0.0" }));
    await expect(ciScore(empty)).rejects.toMatchObject({ code: "BAD_PACKAGE", message: /no "fieldbench" field/ });
    await expect(ciScore(join(dir, "missing"))).rejects.toMatchObject({ code: "BAD_PACKAGE" });
  });
});

describe("ciScore: claims are compared field by field", () => {
  const pkg = join(examples, "js-bicubic");
  let base: SuperbenchResult;
  beforeAll(async () => {
    base = (await ciScore(pkg)).result;
  }, 30_000);

  it("refuses claims with empty metrics before scoring (attack 5: 'all 0 claimed values reproduced')", async () => {
    const empty = { ...base, splits: { test_1: { ...base.splits.test_1, metrics: {} }, test_2: base.splits.test_2 } };
    await expect(ciScore(pkg, { claims: writeClaims("empty.json", empty) })).rejects.toMatchObject({
      code: "SCHEMA_INVALID",
      message: /claims state no metrics for test_1/,
    });
  });

  it("rejects a wrong CI, snapshot count, per-snapshot value, parameter count, integrity, or a dropped metric", async () => {
    const t1 = base.splits.test_1;
    const cases: [string, SuperbenchResult, RegExp][] = [
      ["ci95", { ...base, splits: { ...base.splits, test_1: { ...t1, ci95: { ...t1.ci95, rfne: [0.1, 0.2] } } } }, /not reproduced/],
      ["snapshots", { ...base, splits: { ...base.splits, test_1: { ...t1, snapshots: 40 } } }, /not reproduced/],
      [
        "perSnapshot",
        {
          ...base,
          splits: {
            ...base.splits,
            test_1: {
              ...t1,
              perSnapshot: (t1.perSnapshot ?? []).map((s) => ({ ...s, perChannel: s.perChannel.map((r) => ({ ...r, rfne: 0.01 })) })),
            },
          },
        },
        /not reproduced/,
      ],
      ["parameters", { ...base, model: { ...base.model, parameters: 12 } }, /^parameters: claimed 12, scored 0/],
      ["integrity", { ...base, model: { ...base.model, integrity: `sha256-${"0".repeat(64)}` } }, /^integrity: claimed/],
      [
        "dropped metric",
        { ...base, splits: { ...base.splits, test_1: { ...t1, metrics: { rfne: t1.metrics.rfne ?? null } } } },
        /leave out mse/,
      ],
    ];
    // The honest claims (the run itself) hold; each altered copy is refused for its own reason.
    expect(judgeClaims(base, base, { integrityAliases: [] }).reasons).toEqual([]);
    for (const [name, claims, reason] of cases) {
      const { reasons } = judgeClaims(claims, base, { integrityAliases: [] });
      expect(reasons.some((r) => reason.test(r)), `${name}: ${reasons.join("; ")}`).toBe(true);
    }
    // And through ciScore end to end, for one of them.
    const outcome = await ciScore(pkg, { claims: writeClaims("ci95.json", cases[0]?.[1] as SuperbenchResult) });
    expect(outcome.accepted).toBe(false);
  }, 60_000);
});

describe("ciScore: hostile packages are stopped with a clear verdict", () => {
  it("stops a package that reads the ground truth and reports the file", async () => {
    await expect(ciScore(join(hostile, "read-truth"))).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(
        /stopped by the sandbox \(access denied\).*FileSystemRead .*datasets\/embedded\/nskt_mini\/test_1\/nskt_mini\.h5/,
      ),
    });
  });

  it("stops a package that writes outside its folder, and nothing is written", async () => {
    await expect(ciScore(join(hostile, "write-outside"))).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/FileSystemWrite .*planted-by-hostile-package\.txt/),
    });
    expect(existsSync(join(hostile, "planted-by-hostile-package.txt"))).toBe(false);
  });

  it("kills a package that loops forever at the time limit", async () => {
    const t0 = Date.now();
    await expect(ciScore(join(hostile, "loop-forever"), { timeoutMs: 3000 })).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/did not finish within its time limit and was killed/),
    });
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 20_000);

  it("attack 1: signals reach neither the parent nor any outside process; the inspector port is unreachable", async () => {
    // A process outside the sandbox that reports the SIGWINCH the package sends to every PID it can reach.
    const bystander = spawn(process.execPath, ["-e", "process.on('SIGWINCH', () => console.log('signalled')); setTimeout(() => {}, 60000); console.log('ready')"]);
    let heard = "";
    bystander.stdout.on("data", (d) => (heard += d));
    await new Promise((r) => bystander.stdout.once("data", r));
    try {
      await expect(ciScore(join(hostile, "signal-parent"))).rejects.toMatchObject({
        code: "BAD_PACKAGE",
        message: expect.stringMatching(/inspector unreachable \(ECONNREFUSED\)/),
      });
      expect(inspectorUrl()).toBeUndefined(); // SIGUSR1 never reached this process
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toBe("ready\n");
    } finally {
      bystander.kill("SIGKILL");
    }
  }, 30_000);

  it("attack 6: SIGSTOP to the parent freezes nothing; the memory limit still kills the package", async () => {
    await expect(ciScore(join(hostile, "stop-parent-and-hog"), { memoryMb: 256, timeoutMs: 30_000 })).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/more than 256 MiB|out of its memory limit/),
    });
  }, 40_000);

  it("attack 6: thousands of loopback sockets stop at the open-files limit", async () => {
    await expect(ciScore(join(hostile, "many-sockets"))).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/EMFILE/),
    });
  }, 30_000);

  it("attack 6: filling the scratch folder stops at the tmpfs size / file-size limit", async () => {
    await expect(ciScore(join(hostile, "fill-disk"))).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/ENOSPC|EFBIG|killed/),
    });
  }, 30_000);

  it("attack 6: a unix socket cannot be created outside the scratch folder", async () => {
    await expect(ciScore(join(hostile, "socket-outside"))).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/EROFS|EACCES|EPERM|access denied/),
    });
    expect(existsSync(join(hostile, "socket-outside", "planted.sock"))).toBe(false);
  }, 30_000);

  it("attacks 3 and 6: symlinks (in a dot-folder, to /dev/zero) are refused before hashing or running", async () => {
    await expect(ciScore(join(hostile, "symlink-truth"))).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/\.cache\/truth is a symlink/),
    });
    await expect(ciScore(join(hostile, "symlink-weights"))).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/weights\.bin is a symlink/),
    });
  });

  it("attack 4: fieldbench's own generator is not visible in the sandbox (no re-simulating the public split)", async () => {
    await expect(ciScore(join(hostile, "resimulate"))).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/ERR_MODULE_NOT_FOUND: Cannot find package '@fieldbench\/datagen'/),
    });
  }, 30_000);

  it("attack 6: hashing counts against the time limit (it used to run before the clock started)", async () => {
    await expect(ciScore(join(examples, "tfjs-srcnn"), { timeoutMs: 1 })).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/hashing the package did not finish within the time limit/),
    });
  });

  it("kills a package that allocates beyond the memory limit", async () => {
    const pkg = join(dir, "hog");
    mkdirSync(pkg);
    writeFileSync(
      join(pkg, "package.json"),
      JSON.stringify({ name: "hog", version: "1.0.0", type: "module", fieldbench: { kind: "js", entry: "i.mjs" } }),
    );
    // Holds on to 64 MiB typed arrays until the limit stops it.
    writeFileSync(
      join(pkg, "i.mjs"),
      "const hold = []; export function createModel() { for (;;) hold.push(new Float64Array(8 << 20).fill(1)); }\n",
    );
    await expect(ciScore(pkg, { memoryMb: 256, timeoutMs: 20_000 })).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/more than 256 MiB|out of its memory limit/),
    });
  }, 30_000);
});

describe("ciScore: the held-out split (secret seed)", () => {
  // A 64² NSKT set made for this test (the embedded 256² one takes ~25 s per trajectory on one core): the public
  // test splits are seed 0 of the same recipe, the held-out split comes from the secret seed.
  const recipe: NsktRecipe = { n: 64, re: 16000, k0: 10, cfl: 0.5, times: [1.1, 1.3, 1.5, 1.6] };
  const spec = { ...getDataset("nskt_mini"), key: "nskt_tiny_test", hr: [64, 64] as const, storedRows: 64 };
  const root = join(dir, "nskt_tiny");
  const secret = secretSeed("test-seed-0123456789abcdef");
  let publicFields: Float32Array[];
  beforeAll(async () => {
    publicFields = await generateHeldOut(recipe, 0);
    for (const [split, fields] of [
      ["test_1", publicFields.slice(0, 2)],
      ["test_2", publicFields.slice(2)],
    ] as const) {
      mkdirSync(join(root, split), { recursive: true });
      const data = new Float32Array(fields.length * 3 * 64 * 64);
      fields.forEach((f, i) => data.set(f, i * f.length));
      await writeHdf5(join(root, split, "tiny.h5"), [{ name: "fields", data, shape: [fields.length, 3, 64, 64] }]);
    }
  }, 60_000);

  it("a package carrying the public test fields scores perfectly on them and is flagged on the held-out split", async () => {
    const pkg = join(dir, "carries-truth");
    cpSync(join(hostile, "carries-truth"), pkg, { recursive: true });
    const weights = new Float32Array(publicFields.length * publicFields[0]!.length);
    publicFields.forEach((f, i) => weights.set(f, i * f.length));
    writeFileSync(join(pkg, "weights.bin"), weights);
    const outcome = await ciScore(pkg, { secret, dataset: { spec, root, recipe } });
    expect(outcome.result.splits.test_1.metrics.rfne).toBe(0);
    expect(outcome.result.splits.test_2.metrics.rfne).toBe(0);
    expect(outcome.heldOut?.rfne).toBeGreaterThan(0.5);
    expect(outcome.heldOut?.leak).toBe(true);
    expect(outcome.accepted).toBe(false);
    expect(outcome.reasons.join()).toMatch(/^leak: rfne 0\.000 on the public splits but [0-9.]+ on 4 held-out snapshots/);
    // The commitment is sha256 of the seed, checked with Python's hashlib.
    const py = spawnSync("/usr/bin/python3", ["-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", secret.value], {
      encoding: "utf8",
    });
    expect(outcome.heldOut?.commitment).toBe(py.stdout.trim());
    expect(outcome.result.heldOut).toMatchObject({ commitment: py.stdout.trim(), leak: true, snapshots: 4 });
  }, 60_000);

  it("an honest package is not flagged: bicubic scores alike on public and held-out trajectories", async () => {
    const outcome = await ciScore(join(examples, "js-bicubic"), { secret, dataset: { spec, root, recipe } });
    expect(outcome.heldOut?.leak).toBe(false);
    expect(outcome.accepted).toBe(true);
    const pub = outcome.heldOut?.publicRfne as number;
    expect(Math.abs((outcome.heldOut?.rfne as number) - pub) / pub).toBeLessThan(0.1);
  }, 60_000);
});
