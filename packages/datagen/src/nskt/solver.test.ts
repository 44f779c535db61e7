import { isFieldbenchError } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { createCpuSolver } from "./solver-cpu.js";
import { createBatchSolver } from "./solver.js";

describe("createBatchSolver", () => {
  it("refuses members that differ in anything but seed and k0, naming the member", async () => {
    const base = { n: 32, re: 16000, seed: 1, k0: 4, cfl: 0.5 };
    const err = await createBatchSolver([base, { ...base, seed: 2 }, { ...base, re: 32000 }]).catch((e: unknown) => e);
    expect(isFieldbenchError(err, "INVALID_VALUE")).toBe(true);
    expect((err as Error).message).toMatch(/^batch member 2 differs from member 0/);
    const empty = await createBatchSolver([]).catch((e: unknown) => e);
    expect(isFieldbenchError(empty, "INVALID_VALUE")).toBe(true);
  });

  it("on the CPU, a batch member follows the same trajectory as the solver run alone", async () => {
    const base = { n: 32, re: 16000, k0: 4, cfl: 0.5 };
    const batch = await createBatchSolver([1, 2].map((seed) => ({ ...base, seed })));
    await batch.advanceTo(0.1);
    const alone = createCpuSolver({ ...base, seed: 2 });
    await alone.advanceTo(0.1);
    expect(batch.times()).toEqual([0.1, 0.1]);
    expect(batch.steps()[1]).toBe(alone.steps);
    expect(Array.from((await batch.snapshot(1)).w)).toEqual(Array.from((await alone.snapshot()).w));
    expect((await batch.snapshot(0)).w).not.toEqual((await alone.snapshot()).w);
  });
});
