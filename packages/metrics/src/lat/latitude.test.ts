import { describe, expect, it } from "vitest";
import { scoreSnapshot } from "../score.js";

describe("lat_rmse and acc, worked by hand", () => {
  it("a 2 x 2 field at latitudes 0 and 60 degrees", async () => {
    // weights cos 0 = 1, cos 60 = 0.5. truth [[1, 2], [3, 4]], pred [[2, 2], [3, 6]]: squared errors [[1, 0], [0, 4]]
    // lat_rmse = sqrt((1*1 + 1*0 + 0.5*0 + 0.5*4) / (1 + 1 + 0.5 + 0.5)) = sqrt(3 / 3) = 1
    // climatology 2 everywhere: a_t = [[-1, 0], [1, 2]], a_p = [[0, 0], [1, 4]]
    // sum w a_p a_t = 0 + 0 + 0.5*1 + 0.5*8 = 4.5; sum w a_p^2 = 0.5*1 + 0.5*16 = 8.5; sum w a_t^2 = 1 + 0.5 + 2 = 3.5
    // acc = 4.5 / sqrt(8.5 * 3.5)
    const truth = Float32Array.from([1, 2, 3, 4]);
    const pred = Float32Array.from([2, 2, 3, 6]);
    const s = await scoreSnapshot(pred, truth, [1, 2, 2], {
      metrics: ["lat_rmse", "acc"],
      latitudes: Float64Array.from([0, 60]),
      climatology: Float32Array.from([2, 2, 2, 2]),
    });
    expect(s.perChannel[0]?.lat_rmse).toBeCloseTo(1, 12);
    expect(s.perChannel[0]?.acc).toBeCloseTo(4.5 / Math.sqrt(8.5 * 3.5), 12);
  });

  it("needs latitudes (one per row) and a climatology", async () => {
    const a = new Float32Array(4);
    await expect(scoreSnapshot(a, a, [1, 2, 2], { metrics: ["lat_rmse"] })).rejects.toMatchObject({
      code: "BAD_USAGE",
    });
    await expect(
      scoreSnapshot(a, a, [1, 2, 2], { metrics: ["acc"], latitudes: Float64Array.from([0, 1]) }),
    ).rejects.toThrow(/climatology/);
    await expect(
      scoreSnapshot(a, a, [1, 2, 2], { metrics: ["lat_rmse"], latitudes: Float64Array.from([0]) }),
    ).rejects.toThrow(/one latitude per row/);
  });
});
