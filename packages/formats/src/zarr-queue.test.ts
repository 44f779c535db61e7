import { describe, expect, it } from "vitest";
import { createBoundedQueue } from "./zarr-queue.js";

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe("createBoundedQueue", () => {
  it("runs every task, never more than the limit at once", async () => {
    const queue = createBoundedQueue(3);
    let running = 0;
    let peak = 0;
    let done = 0;
    for (let i = 0; i < 20; i++) {
      queue.add(async () => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        done++;
      });
    }
    await queue.onIdle();
    expect(done).toBe(20);
    expect(peak).toBe(3);
  });

  it("rejects with the first failure and starts nothing after it", async () => {
    const queue = createBoundedQueue(1);
    const started: number[] = [];
    for (let i = 0; i < 5; i++) {
      queue.add(async () => {
        started.push(i);
        await tick();
        if (i === 1) throw new Error("chunk 1 is corrupt");
      });
    }
    await expect(queue.onIdle()).rejects.toThrow("chunk 1 is corrupt");
    expect(started).toEqual([0, 1]);
  });

  it("an empty queue is idle at once", async () => {
    await expect(createBoundedQueue(4).onIdle()).resolves.toEqual([]);
  });
});
