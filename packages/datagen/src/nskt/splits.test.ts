import { describe, expect, it } from "vitest";
import { assignSplits } from "./splits.js";

describe("assignSplits", () => {
  it("gives every split a snapshot and keeps the _2 splits after all training snapshots", () => {
    // 10 snapshots: window of 8 (k=5 valid_1, k=7 test_1), then 2 later ones (valid_2, test_2).
    expect(assignSplits(10)).toEqual([
      "train",
      "train",
      "train",
      "train",
      "train",
      "valid_1",
      "train",
      "test_1",
      "valid_2",
      "test_2",
    ]);
    for (const total of [10, 17, 40, 200]) {
      const s = assignSplits(total);
      const lastTrain = s.lastIndexOf("train");
      expect(s.indexOf("valid_2")).toBeGreaterThan(lastTrain);
      expect(s.indexOf("test_2")).toBeGreaterThan(lastTrain);
      for (const name of ["train", "valid_1", "valid_2", "test_1", "test_2"]) expect(s).toContain(name);
    }
  });

  it("refuses too few snapshots with INVALID_VALUE", () => {
    expect(() => assignSplits(9)).toThrow(/too few/);
  });
});
