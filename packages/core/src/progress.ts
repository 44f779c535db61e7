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
  /** Writes counts and the rate in a unit (say bytes as "3.2 MiB"); plain numbers by default. */
  formatValue?: (n: number) => string;
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
  const now = options.now ?? Date.now;
  const fmt = options.formatValue;
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} [{bar}] {value}/{total} {percentage}% {rate} eta {eta_formatted} {status}`,
      stream,
      hideCursor: false,
      clearOnComplete: false,
      ...(fmt === undefined
        ? {}
        : {
            formatValue: (v: number, _o: unknown, type: string) =>
              type === "value" || type === "total" ? fmt(v) : String(v),
          }),
    },
    cliProgress.Presets.shades_classic,
  );
  const start = now();
  bar.start(options.total, 0, { status: "", rate: "" });
  let value = 0;
  const rate = () => {
    const elapsed = (now() - start) / 1000;
    if (elapsed <= 0) return "";
    const perSecond = value / elapsed;
    return `${fmt === undefined ? perSecond.toFixed(2) : fmt(perSecond)}/s`;
  };
  return {
    tick(n = 1, status = "") {
      value += n;
      bar.update(value, { status, rate: rate() });
    },
    done(status = "") {
      bar.update(value, { status, rate: rate() });
      bar.stop();
    },
  };
}

/** Plain lines for logs: at most one per interval, plus the first and last, so CI output stays short. */
function lineProgress(options: ProgressOptions, stream: NodeJS.WritableStream): Progress {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 5000;
  const start = now();
  const fmt = options.formatValue ?? String;
  const fmtRate = options.formatValue ?? ((n: number) => n.toFixed(2));
  let last = Number.NEGATIVE_INFINITY;
  let value = 0;
  const write = (status: string) => {
    const elapsed = (now() - start) / 1000;
    const pct = options.total > 0 ? ((100 * value) / options.total).toFixed(0) : "?";
    const perSecond = elapsed > 0 ? value / elapsed : 0;
    const rate = elapsed > 0 ? ` ${fmtRate(perSecond)}/s` : "";
    const eta =
      perSecond > 0 && options.total > value ? ` eta ${formatDuration((options.total - value) / perSecond)}` : "";
    stream.write(
      `${options.label}: ${fmt(value)}/${fmt(options.total)} (${pct}%) ${elapsed.toFixed(1)}s${rate}${eta}${status ? ` ${status}` : ""}\n`,
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

/** Remaining time as people read it: "45s", "3m05s", "2h07m". */
function formatDuration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
