import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The OS layer of `fieldbench ci-score`: an untrusted model package runs under bubblewrap in its own user, PID,
 * network, IPC, UTS and mount namespaces (`--unshare-all`), with a read-only view of the package, the Node runtime and
 * the few fieldbench modules the runner loads, a size-limited tmpfs as its only writable place, rlimits set by
 * util-linux `prlimit` on the runner itself, and cgroup memory/pids limits where the cgroup tree is writable. The
 * parent talks to it over pipes only (stdin in, fd 3 out), so the child never learns where any dataset lives. Node's
 * permission model stays on inside as a second layer. docs/security.md has the threat model.
 */

export interface SandboxLimits {
  /** Absolute time (Date.now()) at which the whole process tree is killed. */
  readonly deadline: number;
  /** Resident memory of the sandboxed tree (polled) and the cgroup memory limit; also the V8 heap. */
  readonly memoryMb: number;
  /** Size of the tmpfs scratch folder and RLIMIT_FSIZE. */
  readonly scratchMb: number;
  /** RLIMIT_NOFILE: also bounds the sockets a package can hold open (kernel memory). */
  readonly openFiles: number;
  /** RLIMIT_NPROC and pids.max: threads count as processes, and RLIMIT_NPROC counts all of the user's. */
  readonly processes: number;
}

export const DEFAULT_SANDBOX_LIMITS = { scratchMb: 256, openFiles: 256, processes: 1024 } as const;

/** Where the scratch tmpfs is mounted inside the sandbox (the runner's cwd and only writable path). */
export const SANDBOX_SCRATCH = "/scratch";

export interface SandboxProbe {
  readonly ok: boolean;
  /** Why not, and what to install, when !ok. */
  readonly reason?: string;
  readonly bwrap?: string;
  readonly prlimit?: string;
}

function which(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(":")) {
    const p = join(dir, name);
    if (dir !== "" && existsSync(p)) return p;
  }
  return undefined;
}

let probed: SandboxProbe | undefined;

/**
 * Whether bubblewrap can create the namespaces here: runs `true` in an empty sandbox. Cached per process for the
 * process's PATH; `searchPath` probes another PATH, uncached.
 */
export function probeSandbox(searchPath?: string): SandboxProbe {
  if (searchPath === undefined && probed !== undefined) return probed;
  const path = searchPath ?? process.env.PATH ?? "/usr/bin:/bin";
  const bwrap = which("bwrap", path);
  const prlimit = which("prlimit", path);
  let result: SandboxProbe;
  if (bwrap === undefined) {
    result = { ok: false, reason: "bubblewrap (bwrap) is not installed: apt-get install bubblewrap" };
  } else if (prlimit === undefined) {
    result = { ok: false, reason: "prlimit (util-linux) is not installed: apt-get install util-linux" };
  } else {
    const r = spawnSync(bwrap, [...baseArgs([]), "true"], { encoding: "utf8", timeout: 10_000 });
    result =
      r.status === 0
        ? { ok: true, bwrap, prlimit }
        : {
            ok: false,
            reason: `bubblewrap cannot create namespaces here (${(r.stderr || r.error?.message || `exit ${r.status}`).trim().split("\n")[0]}): run as root or enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)`,
          };
  }
  if (searchPath === undefined) probed = result;
  return result;
}

/** Read-only binds of the Node runtime: the merged /usr (Debian, Ubuntu) plus the prefix of a node installed elsewhere. */
function runtimeBinds(): string[] {
  const args = ["--ro-bind", "/usr", "/usr"];
  for (const [link, target] of [
    ["/lib", "usr/lib"],
    ["/lib64", "usr/lib64"],
    ["/bin", "usr/bin"],
  ] as const) {
    if (existsSync(link)) args.push("--symlink", target, link);
  }
  const node = realpathSync(process.execPath);
  if (!node.startsWith("/usr/")) {
    const prefix = dirname(dirname(node));
    args.push("--ro-bind", prefix, prefix);
  }
  return args;
}

function baseArgs(readOnly: readonly string[], scratchMb = 1): string[] {
  return [
    "--unshare-all", // user, pid, net (loopback only, nothing routed), ipc, uts, cgroup
    "--die-with-parent",
    "--new-session", // no TIOCSTI into the caller's terminal
    "--cap-drop",
    "ALL",
    "--hostname",
    "sandbox",
    ...runtimeBinds(),
    ...readOnly.flatMap((p) => ["--ro-bind", p, p]),
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--size",
    String(scratchMb * 1024 * 1024),
    "--tmpfs",
    SANDBOX_SCRATCH,
    "--chdir",
    SANDBOX_SCRATCH,
  ];
}

/** A cgroup (v2, else v1 memory + pids) for one run, or undefined where the tree is not writable. */
interface RunCgroup {
  /** Files a process writes its pid into to join. */
  readonly procs: readonly string[];
  /** Peak or current memory usage file, to tell an OOM kill apart. */
  readonly remove: () => void;
}

function ownCgroupPath(controller: string): string {
  try {
    for (const line of readFileSync("/proc/self/cgroup", "utf8").split("\n")) {
      const [, ctrls, path] = line.split(":");
      if (ctrls !== undefined && path !== undefined && ctrls.split(",").includes(controller)) return path;
    }
  } catch {}
  return "/";
}

function makeCgroup(limits: SandboxLimits): RunCgroup | undefined {
  const name = `fieldbench-ci-${process.pid}-${randomBytes(4).toString("hex")}`;
  const made: string[] = [];
  try {
    if (existsSync("/sys/fs/cgroup/cgroup.controllers")) {
      const dir = join("/sys/fs/cgroup", ownCgroupPath(""), name);
      mkdirSync(dir);
      made.push(dir);
      writeFileSync(join(dir, "memory.max"), String(limits.memoryMb * 1024 * 1024));
      writeFileSync(join(dir, "pids.max"), String(limits.processes));
      return { procs: [join(dir, "cgroup.procs")], remove: () => removeDirs(made) };
    }
    const mem = join("/sys/fs/cgroup/memory", ownCgroupPath("memory"), name);
    const pids = join("/sys/fs/cgroup/pids", ownCgroupPath("pids"), name);
    mkdirSync(mem);
    made.push(mem);
    mkdirSync(pids);
    made.push(pids);
    writeFileSync(join(mem, "memory.limit_in_bytes"), String(limits.memoryMb * 1024 * 1024));
    writeFileSync(join(pids, "pids.max"), String(limits.processes));
    return { procs: [join(mem, "cgroup.procs"), join(pids, "cgroup.procs")], remove: () => removeDirs(made) };
  } catch {
    removeDirs(made);
    return undefined;
  }
}

/**
 * Removes the run's cgroup folders. The kernel refuses (EBUSY) while the last processes of the PID namespace are
 * still being reaped after bwrap's exit, so it retries for up to 2 s in the background.
 */
function removeDirs(dirs: readonly string[], attempt = 0): void {
  const left = [...dirs].reverse().filter((d) => {
    try {
      rmdirSync(d);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code !== "ENOENT";
    }
  });
  if (left.length > 0 && attempt < 40) setTimeout(() => removeDirs(left.reverse(), attempt + 1), 50).unref();
}

/** Resident set of a process and all its descendants (the sandbox's PID namespace seen from outside). */
export function treeRssBytes(root: number): number {
  const parents = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return 0;
  }
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(e)]);
    } catch {}
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      total += m ? Number(m[1]) * 1024 : 0;
    } catch {}
    stack.push(...(parents.get(pid) ?? []));
  }
  return total;
}

export interface SandboxedProcess {
  readonly child: ChildProcess;
  /** Why the parent stopped it (time or memory), once it has. */
  readonly stopped: () => string | undefined;
  /** Resolves with the exit code (null when killed by a signal) after cleanup. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly kill: (why: string) => void;
  /** "bwrap" or "none" (--no-sandbox), and whether cgroup limits applied. */
  readonly isolation: { readonly os: "bwrap" | "none"; readonly cgroup: boolean };
}

/**
 * Starts `node <nodeArgs>` with stdin, fd 3 (output) and stderr piped. With `sandbox: false` (the explicit
 * --no-sandbox) it is a plain child process with the same time and memory watch. The deadline and memory watch
 * kill the whole tree: SIGKILL to bwrap's monitor takes its PID namespace down with it (--die-with-parent).
 */
export function startSandboxed(
  nodeArgs: readonly string[],
  options: { readOnly: readonly string[]; limits: SandboxLimits; sandbox: boolean },
): SandboxedProcess {
  const { limits } = options;
  let command: string;
  let args: string[];
  let cgroup: RunCgroup | undefined;
  if (options.sandbox) {
    const probe = probeSandbox();
    if (!probe.ok) throw new Error(probe.reason);
    const rlimits = [
      // Address space: V8 reserves about 10 GiB of guard regions per WebAssembly memory (TF.js wasm, ONNX), so the
      // cap sits 16 GiB above the memory limit; it stops runaway mappings, and the cgroup and RSS watch limit memory.
      `--as=${(limits.memoryMb + 16 * 1024) * 1024 * 1024}`,
      `--fsize=${limits.scratchMb * 1024 * 1024}`,
      `--nofile=${limits.openFiles}`,
      `--nproc=${limits.processes}`,
      `--cpu=${Math.max(1, Math.ceil((limits.deadline - Date.now()) / 1000))}`,
      "--core=0",
    ];
    const inner = [
      probe.bwrap as string,
      ...baseArgs(options.readOnly, limits.scratchMb),
      probe.prlimit as string,
      ...rlimits,
      "--",
      realpathSync(process.execPath),
      ...nodeArgs,
    ];
    cgroup = makeCgroup(limits);
    // The shell joins the cgroup and then becomes bwrap, so every process of the sandbox is born inside it.
    command = "/bin/sh";
    const join = (cgroup?.procs ?? []).map((_, i) => `echo $$ > "$${i + 1}" &&`).join(" ");
    const n = cgroup?.procs.length ?? 0;
    args = ["-c", `${join} shift ${n} && exec "$@"`, "sh", ...(cgroup?.procs ?? []), ...inner];
  } else {
    command = process.execPath;
    args = [...nodeArgs];
  }
  const child = spawn(command, args, { stdio: ["pipe", "ignore", "pipe", "pipe"], env: {}, cwd: "/" });
  let why: string | undefined;
  const kill = (reason: string) => {
    why ??= reason;
    child.kill("SIGKILL");
  };
  const timer = setTimeout(
    () => kill("did not finish within its time limit and was killed"),
    Math.max(0, limits.deadline - Date.now()),
  );
  const poll = setInterval(() => {
    if (child.pid !== undefined && treeRssBytes(child.pid) > limits.memoryMb * 1024 * 1024)
      kill(`used more than ${limits.memoryMb} MiB of memory and was killed`);
  }, 100);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      cgroup?.remove();
      done({ code, signal });
    });
    child.on("error", () => {
      clearTimeout(timer);
      clearInterval(poll);
      cgroup?.remove();
      done({ code: null, signal: null });
    });
  });
  return {
    child,
    stopped: () => why,
    exited,
    kill,
    isolation: { os: options.sandbox ? "bwrap" : "none", cgroup: cgroup !== undefined },
  };
}
