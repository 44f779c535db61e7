/**
 * GPU-machine job `generate` (tools/gpu-main.mjs): generates NSKT datasets
 * with `generateNskt` (the library function behind `fieldbench datasets generate nskt`) for each Re, writes the
 * data under --data (large, stays on the machine) and copies each card.json / CARD.md into --out.
 *   node .device/app/app.mjs job generate --out $OUT --data /tmp/nskt --size 2048 --snapshots 10 --re 16000,32000
 */
import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type NsktBackendName, generateNskt } from "@fieldbench/datagen";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** Exits (with a note in progress.log) when no progress arrives for --stall seconds, so partial results come back. */
let lastProgress = Date.now();
function startWatchdog(out: string, stallSeconds: number): void {
  setInterval(() => {
    if (Date.now() - lastProgress > stallSeconds * 1000) {
      appendFileSync(join(out, "progress.log"), `${new Date().toISOString()} stalled for ${stallSeconds} s; exiting\n`);
      process.exit(4);
    }
  }, 1000).unref();
}

async function main(): Promise<void> {
  const out = arg("out", ".");
  const data = arg("data", "/tmp/nskt");
  const size = Number(arg("size", "2048"));
  const snapshots = Number(arg("snapshots", "10"));
  const tStart = Number(arg("t-start", "1"));
  const interval = Number(arg("interval", "0.1"));
  const seed = Number(arg("seed", "1"));
  const backend = arg("backend", "webgpu") as NsktBackendName;
  mkdirSync(out, { recursive: true });
  startWatchdog(out, Number(arg("stall", "30")));
  const summary: unknown[] = [];
  for (const re of arg("re", "16000,32000").split(",").map(Number)) {
    const dir = join(data, `nskt_re${re}_n${size}`);
    let last = 0;
    const card = await generateNskt({
      out: dir,
      re,
      size,
      snapshots,
      seed,
      backend,
      tStart,
      interval,
      onProgress: (done, total, status) => {
        const now = Date.now();
        lastProgress = now;
        if (now - last > 10_000 || status.startsWith("snapshot")) {
          last = now;
          const line = `${new Date().toISOString()} [re ${re}] ${done}/${total} ${status}\n`;
          process.stderr.write(line);
          appendFileSync(join(out, "progress.log"), line);
        }
      },
    });
    const target = join(out, `nskt_re${re}_n${size}`);
    mkdirSync(target, { recursive: true });
    copyFileSync(join(dir, "card.json"), join(target, "card.json"));
    copyFileSync(join(dir, "CARD.md"), join(target, "CARD.md"));
    const row = { re, size, snapshots, steps: card.steps, msPerStep: card.msPerStep, wallSeconds: card.wallSeconds };
    summary.push(row);
    console.log(JSON.stringify(row));
  }
  writeFileSync(join(out, "generate-summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exit(1);
});
