import { PassThrough } from "node:stream";
import type { CliIo } from "./io.js";
import { main } from "./main.js";

export interface MainResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `fieldbench ARGV` in-process with captured stdout/stderr (for tests). */
export async function runMain(
  argv: readonly string[],
  cwd: string = process.cwd(),
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<MainResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (d) => {
    stdout += d;
  });
  err.on("data", (d) => {
    stderr += d;
  });
  const io: CliIo = { stdout: out, stderr: err, cwd, env };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
