#!/usr/bin/env node
// `npm run bench [filter]`: builds, then runs every packages/*/bench/*.bench.mjs in turn. Each bench prints
// its own table (our time, the reference's time in the same run, the ratio). Targets live here, not in tests.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const filter = process.argv[2];
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
const build = spawnSync("npx", ["turbo", "run", "build", "--output-logs=errors-only"], {
  cwd: root,
  env,
  stdio: "inherit",
});
if (build.status !== 0) process.exit(build.status ?? 1);

const benches = [];
for (const pkg of readdirSync(join(root, "packages"))) {
  const dir = join(root, "packages", pkg, "bench");
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).sort()) if (file.endsWith(".bench.mjs")) benches.push(join(dir, file));
}
let failed = 0;
for (const bench of benches) {
  const name = relative(root, bench);
  if (filter && !name.includes(filter)) continue;
  console.log(`\n## ${name}\n`);
  const r = spawnSync(process.execPath, ["--expose-gc", bench], { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.log(`(bench ${name} exited with ${r.status})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
