#!/usr/bin/env node
// Runs every workspace's tests through turbo (cached), then prints the one closing line CI reads:
// "N passed, N failed, N skipped", summed from each workspace's vitest JSON report.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const workspaces = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces;
const reports = workspaces.map((w) => join(root, w, ".vitest", "results.json"));
for (const report of reports) rmSync(report, { force: true });

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1", NO_COLOR: "1", FORCE_COLOR: "0" };
const extra = process.argv.slice(2);
const turbo = spawnSync("npx", ["turbo", "run", "test", "--continue", "--concurrency=1", ...extra], {
  cwd: root,
  env,
  stdio: "inherit",
});

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const [i, report] of reports.entries()) {
  if (!existsSync(report)) {
    missing.push(workspaces[i]);
    continue;
  }
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  // A test file that fails to load counts no test but must still fail the run.
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites;
}
if (missing.length > 0) console.error(`no test report from: ${missing.join(", ")}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(turbo.status === 0 && failed === 0 && missing.length === 0 ? 0 : 1);
