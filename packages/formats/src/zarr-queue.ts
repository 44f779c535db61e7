/** zarrita's chunk queue contract (`zarr.get(arr, sel, { createQueue })`). */
export interface ChunkQueue {
  add(fn: () => Promise<void>): void;
  onIdle(): Promise<undefined[]>;
}

/**
 * zarrita's default queue starts every chunk of a selection at once: thousands of open files or HTTP
 * requests for a large read. This one runs at most `limit` at a time and, after the first failure,
 * starts no further chunks (the read has failed; fetching the rest would only waste requests).
 */
export function createBoundedQueue(limit: number): ChunkQueue {
  const waiting: (() => Promise<void>)[] = [];
  let running = 0;
  let failure: { error: unknown } | undefined;
  let settle: { resolve: (v: undefined[]) => void; reject: (e: unknown) => void } | undefined;
  const finishIfIdle = () => {
    if (settle === undefined || running > 0 || (waiting.length > 0 && failure === undefined)) return;
    if (failure !== undefined) settle.reject(failure.error);
    else settle.resolve([]);
    settle = undefined;
  };
  const pump = () => {
    while (running < limit && waiting.length > 0 && failure === undefined) {
      const task = waiting.shift() as () => Promise<void>;
      running++;
      task()
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => {
          running--;
          pump();
          finishIfIdle();
        });
    }
  };
  return {
    add(fn) {
      waiting.push(fn);
      pump();
    },
    onIdle() {
      return new Promise<undefined[]>((resolve, reject) => {
        settle = { resolve, reject };
        finishIfIdle();
      });
    },
  };
}
