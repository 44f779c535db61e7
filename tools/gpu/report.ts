import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The output of a GPU job that writes a report: lines are printed as they come (the device tool returns stdout even
 * when the job dies) and kept, so that `save` writes `<name>.md` and `<name>.json` into the job's folder, OUT_DIR
 * (its first argument).
 */
export function jobReport(fallbackOut: string) {
  const out = process.argv[2] ?? fallbackOut;
  mkdirSync(out, { recursive: true });
  const lines: string[] = [];
  return {
    say(line: string): void {
      console.log(line);
      lines.push(line);
    },
    save(name: string, data: unknown): void {
      writeFileSync(join(out, `${name}.json`), JSON.stringify(data, null, 2));
      writeFileSync(join(out, `${name}.md`), `${lines.join("\n")}\n`);
    },
  };
}

/**
 * Runs a PyTorch timing script (python3 on the GPU machine) that prints one JSON object as its last line; a failure
 * is reported through `say` and gives {}, so a benchmark still writes its own numbers.
 */
export function pytorchTimings(script: string, timeoutMs: number, say: (line: string) => void) {
  const torch = spawnSync("python3", ["-c", script], { encoding: "utf8", timeout: timeoutMs });
  try {
    return JSON.parse(torch.stdout.trim().split("\n").pop() ?? "{}") as Record<string, number | string>;
  } catch {
    say(`PyTorch failed: ${torch.stderr.slice(-500)}`);
    return {};
  }
}
