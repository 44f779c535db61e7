import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers.js";

/** The DOM shapes used in page callbacks (this tsconfig has no DOM lib). */
type Row = { cells: ArrayLike<{ textContent: string | null }> };
type Img = { complete: boolean; naturalWidth: number };

const dir = mkdtempSync(join(tmpdir(), "fieldbench-e2e-html-"));
const artifacts = join(ROOT, "test", "artifacts");
const fixture = (model: string) => join(ROOT, `packages/leaderboard/fixtures/nskt_mini.bicubic-x8.${model}.json`);
let browser: Browser;

beforeAll(async () => {
  mkdirSync(join(dir, "leaderboards"));
  mkdirSync(artifacts, { recursive: true });
  copyFileSync(join(ROOT, "leaderboards/known-datasets.json"), join(dir, "leaderboards/known-datasets.json"));
  for (const model of ["bilinear", "bicubic"]) {
    const r = runCli(["submit", fixture(model)], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }
  const report = runCli(["report", fixture("bicubic"), "--out", "report"], { cwd: dir });
  expect(report.stderr).toBe("");
  expect(report.code).toBe(0);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a page from the file system, collecting console errors, page errors and failed requests. */
async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()}`));
  await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
  return { page, problems };
}

async function firstColumn(page: Page, table: string, column: number): Promise<string[]> {
  return page.$$eval(
    `${table} tbody tr`,
    (rows, c) => rows.map((r) => (r as unknown as Row).cells[c]?.textContent ?? ""),
    column,
  );
}

async function imagesLoaded(page: Page): Promise<{ count: number; broken: number }> {
  return page.$$eval("img", (imgs) => ({
    count: imgs.length,
    broken: imgs.filter((i) => !(i as unknown as Img).complete || (i as unknown as Img).naturalWidth === 0).length,
  }));
}

describe("the static HTML leaderboard and report in Debian's headless Chromium", () => {
  it("leaderboard: tables render ranked, sorting by a column works, spectrum and images load, no errors", async () => {
    const { page, problems } = await open(join(dir, "leaderboards/site/index.html"));
    expect(await page.locator("h1").textContent()).toBe("SuperBench leaderboard");
    // Ranked by rfne: bicubic (test_1 rfne 0.5299, tools/fixtures/nskt-mini-bicubic-rfne.py) above bilinear (0.5918).
    expect(await firstColumn(page, "#table-0", 1)).toEqual(["bicubic", "bilinear"]);
    await expect.poll(() => page.locator("#table-0 tbody td").nth(4).textContent()).toMatch(/^0\.5299 \[/);
    // Sort by the ssim column: ascending puts bilinear (0.3598; bicubic 0.4179) first, a second click reverses.
    const ssim = page.locator("#table-0 thead th", { hasText: /^ssim ↑$/ });
    await ssim.click();
    expect(await firstColumn(page, "#table-0", 1)).toEqual(["bilinear", "bicubic"]);
    expect(await ssim.getAttribute("data-sort")).toBe("asc");
    await ssim.click();
    expect(await firstColumn(page, "#table-0", 1)).toEqual(["bicubic", "bilinear"]);
    // Sorting by model name (text).
    await page.locator("#table-0 thead th", { hasText: "Model" }).click();
    expect(await firstColumn(page, "#table-0", 1)).toEqual(["bicubic", "bilinear"]);
    // Spectrum: an inline SVG with one line per series (truth + 2 models) and a legend.
    const spectrum = page.locator(".spectrum svg");
    expect(await spectrum.count()).toBe(1);
    expect(await spectrum.locator("path.mark-line, g.mark-line path").count()).toBeGreaterThanOrEqual(3);
    expect(await spectrum.textContent()).toContain("truth (HR)");
    expect(await imagesLoaded(page)).toEqual({ count: 8, broken: 0 }); // HR, LR, prediction, |error| x 2 models
    await page.screenshot({ path: join(artifacts, "leaderboard.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("report: one run's page opens with its tables, spectrum and images, no errors", async () => {
    const { page, problems } = await open(join(dir, "report/index.html"));
    expect(await page.locator("h1").textContent()).toBe("fieldbench report: bicubic@1 on nskt_mini, bicubic-x8");
    expect(await page.locator("table.sortable").count()).toBe(4); // test_1, test_2, each with per-channel detail
    expect(await firstColumn(page, "#table-1", 1)).toEqual(["bicubic"]);
    await page.locator("#table-1 thead th", { hasText: /^mse ↓$/ }).click();
    expect(await page.locator("#table-1 thead th", { hasText: /^mse ↓$/ }).getAttribute("data-sort")).toBe("asc");
    expect(await page.locator(".spectrum svg").count()).toBe(1);
    expect(await imagesLoaded(page)).toEqual({ count: 4, broken: 0 });
    await page.screenshot({ path: join(artifacts, "report.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
