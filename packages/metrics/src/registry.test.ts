import { describe, expect, it } from "vitest";
import type { ChannelMetric } from "./metric.js";
import {
  findMetric,
  getMetric,
  higherIsBetter,
  listMetrics,
  metricNames,
  metricsForMode,
  orderMetrics,
  registerMetric,
} from "./registry.js";
import { scoreSnapshot } from "./score.js";

/** A metric with statistics of its own, as a newcomer would add one: mean(z_pred - z_true). */
const bias: ChannelMetric = {
  id: "toy_bias",
  scope: "channel",
  statistics: {
    id: "toy_bias",
    compute: ({ pred, truth, std }) => {
      let sum = 0;
      for (let i = 0; i < pred.length; i++) sum += ((pred[i] as number) - (truth[i] as number)) / std;
      return { sum, count: pred.length };
    },
  },
  finalize: (s) => (s.sum as number) / (s.count as number),
  description: "mean(z_pred - z_true)",
  unit: "z",
  better: "lower",
  modes: ["default"],
};

describe("the metric registry", () => {
  it("the suite modes select SuperBench's metrics (docs/superbench.md) from the descriptors", () => {
    const nskt = { channelNames: ["u", "v", "w"] };
    // SuperBench's eval.py: MSE, MAE, RFNE, IN (both readings), PSNR, SSIM, and the divergence MSE for NSKT.
    expect(new Set(metricsForMode("compat", nskt, [3, 256, 256]))).toEqual(
      new Set(["mse", "mae", "rfne", "in_abs", "in_rel", "psnr", "ssim", "div_mse"]),
    );
    // cosmo and ERA5 channels are not u, v: no physics metric, whatever the channel count.
    expect(metricsForMode("compat", { channelNames: ["log_T", "log_rho_b"] }, [2, 256, 256])).not.toContain("div_mse");
    const era5 = metricsForMode(
      "default",
      { channelNames: ["ke_10m", "t2m", "tcwv"], dataRange: 8, latitudes: new Float64Array(720) },
      [3, 720, 1440],
    );
    expect(era5).toContain("lat_rmse");
    expect(era5).toContain("psnr_range");
    expect(era5).not.toContain("psnr");
    expect(era5).not.toContain("acc"); // needs a climatology the suite does not have
    expect(era5.filter((m) => m.startsWith("div") || m.startsWith("spectrum"))).toEqual([]);
  });

  it("orders names for display: registered metrics first, unknown names alphabetically", () => {
    expect(orderMetrics(["zz", "ssim", "mse", "aa", "rfne"])).toEqual(["rfne", "mse", "ssim", "aa", "zz"]);
    expect(higherIsBetter("psnr")).toBe(true);
    expect(higherIsBetter("rfne")).toBe(false);
    expect(higherIsBetter("not_a_metric")).toBe(false);
    expect(findMetric("not_a_metric")).toBeUndefined();
    expect(() => getMetric("not_a_metric")).toThrow(/unknown metric not_a_metric/);
  });

  it("every descriptor says how to show itself, and the nullable ones say why", () => {
    for (const m of listMetrics()) {
      expect(m.description.length, m.id).toBeGreaterThan(10);
      expect(m.unit, m.id).not.toBe("");
    }
    const nullable = listMetrics().filter((m) => m.nullable !== undefined);
    expect(nullable.map((m) => m.id)).toEqual(["rfne", "in_rel", "psnr", "vort_rfne", "ke_rel", "enstrophy_rel"]);
  });

  it("registerMetric adds a metric with its own statistics that scoreSnapshot computes", async () => {
    registerMetric(bias);
    expect(metricNames().at(-1)).toBe("toy_bias");
    expect(() => registerMetric(bias)).toThrow(/already registered/);
    expect(() => registerMetric({ ...bias, id: "Bad-Name" })).toThrow(/lower case/);
    expect(() => registerMetric({ ...bias, id: "toy_other", modes: ["paper" as "default"] })).toThrow(
      /unknown mode paper/,
    );
    // pred - truth = [1, 3] on std 2 -> z differences 0.5, 1.5 -> mean 1
    const score = await scoreSnapshot(Float32Array.of(2, 5), Float32Array.of(1, 2), [1, 1, 2], {
      metrics: ["toy_bias", "mse"],
      normalization: { mean: [0], std: [2] },
    });
    expect(score.perChannel[0]).toEqual({ toy_bias: 1, mse: (0.25 + 2.25) / 2 });
  });
});
