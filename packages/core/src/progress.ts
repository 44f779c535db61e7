import cliProgress from "cli-progress";

export type ProgressMode = "bar" | "lines" | "quiet";

export interface ProgressOptions {
  label: string;
  total: number;
  /** Where progress goes; stderr by default, so stdout stays clean for --json. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** `quiet` prints nothing; by default a bar on a TTY and plain periodic lines elsewhere (CI logs). */
  mode?: ProgressMode;
  /** Minimum time between plain lines. */
  intervalMs?: number;
  now?: () => number;
}

export interface Progress {
  /** Advances by `n` (default 1), with an optional short status such as "loss 0.031". */
  tick(n?: number, status?: string): void;
  done(status?: string): void;
}

export function chooseProgressMode(stream: { isTTY?: boolean }, quiet: boolean): ProgressMode {
  if (quiet) return "quiet";
  return stream.isTTY === true && process.env.CI === undefined ? "bar" : "lines";
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const mode = options.mode ?? chooseProgressMode(stream, false);
  if (mode === "quiet") return { tick() {}, done() {} };
  if (mode === "bar") return barProgress(options, stream);
  return lineProgress(options, stream);
}

function barProgress(options: ProgressOptions, stream: NodeJS.WritableStream): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted} {status}`,
      stream,
      hideCursor: false,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total, 0, { status: "" });
  let value = 0;
  return {
    tick(n = 1, status = "") {
      value += n;
      bar.update(value, { status });
    },
    done(status = "") {
      bar.update(value, { status });
      bar.stop();
    },
  };
}

/** Plain lines for logs: at most one per interval, plus the first and last, so CI output stays short. */
function lineProgress(options: ProgressOptions, stream: NodeJS.WritableStream): Progress {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 5000;
  const start = now();
  let last = Number.NEGATIVE_INFINITY;
  let value = 0;
  const write = (status: string) => {
    const elapsed = (now() - start) / 1000;
    const pct = options.total > 0 ? ((100 * value) / options.total).toFixed(0) : "?";
    const rate = elapsed > 0 ? ` ${(value / elapsed).toFixed(2)}/s` : "";
    stream.write(
      `${options.label}: ${value}/${options.total} (${pct}%) ${elapsed.toFixed(1)}s${rate}${status ? ` ${status}` : ""}\n`,
    );
    last = now();
  };
  return {
    tick(n = 1, status = "") {
      value += n;
      if (now() - last >= interval) write(status);
    },
    done(status = "") {
      write(status);
    },
  };
}
