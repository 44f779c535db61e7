import { Worker } from "node:worker_threads";
import { FieldbenchError } from "@fieldbench/core";
import { programError } from "./program-error.js";
import type { RawTree } from "./hdf5-model.js";

/**
 * h5wasm runs in one worker thread per process, never on the main thread. A corrupt file can make the
 * HDF5 C library abort the wasm module (after which every later call fails), loop, or print pages of
 * HDF5-DIAG text; in the worker an abort or a hang costs only that worker: the host terminates it, the
 * caller gets CORRUPT_FILE, and the next request starts a fresh one (files it had open are reopened by path).
 * HDF5-DIAG traces are captured in the worker (their innermost line becomes the error's reason) and shown
 * only with FIELDBENCH_HDF5_DIAG=1, so the CLI prints one line.
 * FIELDBENCH_HDF5_TIMEOUT_MS bounds one request (default 60 s plus 1 s per 8 MiB read).
 */
const WORKER_URL = new URL("../worker/hdf5-worker.mjs", import.meta.url);
const BASE_TIMEOUT_MS = 60_000;
const BYTES_PER_EXTRA_SECOND = 8 * 1024 * 1024;
/** Larger reads are assembled from pieces so the wasm heap never holds more than this at once. */
const DEFAULT_PIECE_BYTES = 256 * 1024 * 1024;

export type Hdf5Data = ArrayBufferView | readonly (string | number)[];

/** An open file inside the current worker; `generation` tells whether that worker is still the live one. */
export interface Hdf5Handle {
  readonly path: string;
  generation: number;
  id: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  path: string;
}

interface Reply {
  ready?: true;
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
  fatal?: boolean;
  /** The error class thrown in the worker (TypeError, RangeError, Error, ...). */
  name?: string;
}

interface Started {
  readonly worker: Worker;
  /** Resolves when the worker has loaded h5wasm; request timers start after it. */
  readonly ready: Promise<void>;
}

let worker: Worker | undefined;
let workerReady: Promise<void> = Promise.resolve();
/**
 * Once a worker has had to be replaced (a file hung or aborted HDF5), the process is evidently reading
 * corrupt files: keep one spare loading in the background so the next replacement costs no start-up.
 */
let spare: Started | undefined;
let keepSpare = false;
let generation = 0;
let nextRequest = 1;
const pending = new Map<number, Pending>();

function startWorker(): Started {
  // No `stdout/stderr: true` streams here: their ports keep the process alive after the worker is unref'd.
  // The worker captures HDF5-DIAG itself (worker/hdf5-worker.mjs).
  const started = new Worker(WORKER_URL);
  const ready = new Promise<void>((resolve, reject) => {
    started.on("message", (reply: Reply) => (reply.ready ? resolve() : settle(started, reply)));
    started.on("error", (err) => {
      reject(new FieldbenchError("INTERNAL", `the HDF5 worker failed to start (${err.message.split("\n")[0]})`));
      retire(started, `the HDF5 worker failed (${err.message.split("\n")[0]})`);
    });
    started.on("exit", (code) => {
      reject(new FieldbenchError("INTERNAL", `the HDF5 worker exited with code ${code} while starting`));
      retire(started, `the HDF5 worker exited with code ${code}`);
    });
  });
  // A worker that dies later is reported through its pending requests, not through this promise.
  ready.catch(() => undefined);
  started.unref();
  return { worker: started, ready };
}

function liveWorker(): Worker {
  if (worker === undefined) {
    const next = spare ?? startWorker();
    spare = undefined;
    worker = next.worker;
    workerReady = next.ready;
    generation++;
  }
  if (keepSpare && spare === undefined) spare = startWorker();
  return worker;
}

function settle(from: Worker, reply: Reply): void {
  const request = pending.get(reply.id);
  if (request === undefined) return;
  pending.delete(reply.id);
  clearTimeout(request.timer);
  idleCheck();
  if (reply.ok) {
    request.resolve(reply.result);
    return;
  }
  if (reply.fatal) void stop(from);
  const message = `${request.path}: ${reply.error ?? "HDF5 error"}`;
  request.reject(
    (reply.fatal ? undefined : programError(reply.name, message)) ??
      new FieldbenchError("CORRUPT_FILE", message, { path: request.path }),
  );
}

/** Fails every request of a dead (or killed) worker and forgets it, so the next request starts afresh. */
function retire(dead: Worker, why: string): void {
  if (spare?.worker === dead) spare = undefined;
  if (worker !== dead) return;
  worker = undefined;
  keepSpare = true;
  for (const [id, request] of pending) {
    pending.delete(id);
    clearTimeout(request.timer);
    request.reject(new FieldbenchError("CORRUPT_FILE", `${request.path}: ${why}`, { path: request.path }));
  }
}

async function stop(target: Worker): Promise<void> {
  retire(target, "the HDF5 worker was stopped");
  await target.terminate();
}

/** The worker must not keep the process alive when idle, but must while a caller awaits it. */
function idleCheck(): void {
  if (worker === undefined) return;
  if (pending.size > 0) worker.ref();
  else worker.unref();
}

async function request<T>(path: string, message: Record<string, unknown>, timeoutMs: number): Promise<T> {
  const target = liveWorker();
  target.ref();
  try {
    await workerReady;
  } finally {
    idleCheck();
  }
  if (worker !== target) throw new FieldbenchError("INTERNAL", `${path}: the HDF5 worker stopped while starting`);
  const id = nextRequest++;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new FieldbenchError("CORRUPT_FILE", `${path}: HDF5 did not answer within ${timeoutMs} ms`, { path }));
      pending.delete(id);
      void stop(target);
    }, timeoutMs);
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, path });
    idleCheck();
    target.postMessage({ id, ...message });
  });
}

function timeoutFor(bytes: number): number {
  const fixed = Number(process.env.FIELDBENCH_HDF5_TIMEOUT_MS);
  if (Number.isFinite(fixed) && fixed > 0) return fixed;
  return BASE_TIMEOUT_MS + Math.ceil(bytes / BYTES_PER_EXTRA_SECOND) * 1000;
}

/** How many h5wasm workers this process has started (the first, plus one after each hang or abort). */
export function workersStarted(): number {
  return generation;
}

/** FIELDBENCH_HDF5_PIECE_BYTES overrides the piece size (tests use it to exercise piecewise reads). */
function pieceBytes(): number {
  const value = Number(process.env.FIELDBENCH_HDF5_PIECE_BYTES);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_PIECE_BYTES;
}

export async function openInWorker(path: string): Promise<{ handle: Hdf5Handle; tree: RawTree }> {
  const reply = await request<{ handle: number; tree: RawTree }>(path, { op: "open", path }, timeoutFor(0));
  return { handle: { path, generation, id: reply.handle }, tree: reply.tree };
}

/** Reads a hyperslab ([start, stop) per dim; [] for a scalar); reopens the file if its worker was replaced. */
export async function readInWorker(
  handle: Hdf5Handle,
  dataset: string,
  ranges: readonly (readonly [number, number])[],
  bytes: number,
): Promise<Hdf5Data> {
  if (handle.generation !== generation || worker === undefined) {
    const reopened = await openInWorker(handle.path);
    handle.generation = reopened.handle.generation;
    handle.id = reopened.handle.id;
  }
  const reply = await request<{ data: Hdf5Data }>(
    handle.path,
    { op: "read", handle: handle.id, path: dataset, ranges, pieceBytes: pieceBytes() },
    timeoutFor(bytes),
  );
  return reply.data;
}

export async function closeInWorker(handle: Hdf5Handle): Promise<void> {
  if (handle.generation !== generation || worker === undefined) return;
  await request(handle.path, { op: "close", handle: handle.id }, timeoutFor(0));
}
