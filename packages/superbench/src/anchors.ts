/**
 * SuperBench's published Bicubic rows (v2, the repository's `normed_eval.json`, arXiv:2306.14070 v2 tables;
 * docs/superbench.md "Published anchors"): the deterministic numbers a compat run of `bicubic-superbench` on the
 * real data should land near (the authors' torchvision / torchmetrics versions are unknown, so expect small
 * differences). IN is relative where the published entry used the relative definition (`in_rel`) and absolute
 * otherwise (`in_abs`). div_mse is the published Physics column (mean D^2 of the raw output).
 */
export type PublishedSplit = {
  readonly rfne: number;
  readonly psnr: number;
  readonly ssim: number;
  readonly in_rel?: number;
  readonly in_abs?: number;
  readonly div_mse?: number;
};
export type PublishedRow = Readonly<Record<"test_1" | "test_2", PublishedSplit>>;

const row = (i: PublishedSplit, e: PublishedSplit): PublishedRow => ({ test_1: i, test_2: e });

export const PUBLISHED_BICUBIC: Readonly<Record<string, Readonly<Record<string, PublishedRow>>>> = {
  nskt_16k: {
    "bicubic-x8": row(
      { rfne: 0.1244, in_rel: 0.2468, psnr: 33.18, ssim: 0.9086, div_mse: 0.9183 },
      { rfne: 0.1179, in_rel: 0.1942, psnr: 34.68, ssim: 0.9234, div_mse: 0.8771 },
    ),
    "bicubic-x16": row(
      { rfne: 0.2174, in_rel: 0.3738, psnr: 27.57, ssim: 0.8227, div_mse: 0.824 },
      { rfne: 0.2071, in_rel: 0.3051, psnr: 29.03, ssim: 0.8461, div_mse: 0.7878 },
    ),
  },
  nskt_32k: {
    "bicubic-x8": row(
      { rfne: 0.1458, in_rel: 0.2608, psnr: 32.62, ssim: 0.8859, div_mse: 0.9982 },
      { rfne: 0.1374, in_rel: 0.219, psnr: 33.84, ssim: 0.899, div_mse: 0.9588 },
    ),
    "bicubic-x16": row(
      { rfne: 0.2385, in_rel: 0.4001, psnr: 27.31, ssim: 0.8021, div_mse: 0.8805 },
      { rfne: 0.2257, in_rel: 0.3307, psnr: 28.5, ssim: 0.8213, div_mse: 0.844 },
    ),
  },
  cosmo: {
    "bicubic-x8": row(
      { rfne: 0.3642, in_rel: 0.6473, psnr: 30.02, ssim: 0.774 },
      { rfne: 0.3615, in_rel: 0.6532, psnr: 30.21, ssim: 0.7719 },
    ),
    "bicubic-x16": row(
      { rfne: 0.5775, in_abs: 8.8552, psnr: 26.12, ssim: 0.5537 },
      { rfne: 0.5854, in_abs: 8.5371, psnr: 25.93, ssim: 0.5473 },
    ),
  },
  era5: {
    "bicubic-x8": row(
      { rfne: 0.1774, in_rel: 0.6398, psnr: 26.48, ssim: 0.8322 },
      { rfne: 0.1767, in_rel: 0.6351, psnr: 26.52, ssim: 0.8326 },
    ),
    "bicubic-x16": row(
      { rfne: 0.2765, in_rel: 0.7129, psnr: 22.34, ssim: 0.7411 },
      { rfne: 0.2755, in_rel: 0.7054, psnr: 22.37, ssim: 0.7419 },
    ),
  },
  nskt_16k_sim_4: {
    lrsim: row(
      { rfne: 0.3045, in_abs: 3.2612, psnr: 24.17, ssim: 0.7474, div_mse: 1.993 },
      { rfne: 0.312, in_abs: 4.0142, psnr: 23.85, ssim: 0.741, div_mse: 2.015 },
    ),
  },
  nskt_32k_sim_4: {
    lrsim: row(
      { rfne: 0.3348, in_abs: 3.8039, psnr: 23.77, ssim: 0.7298, div_mse: 2.509 },
      { rfne: 0.3409, in_abs: 3.8406, psnr: 23.18, ssim: 0.7188, div_mse: 2.537 },
    ),
  },
  cosmo_sim_8: {
    lrsim: row(
      { rfne: 1.011, in_abs: 8.6044, psnr: 21.28, ssim: 0.3332 },
      { rfne: 1.0073, in_abs: 8.5834, psnr: 21.33, ssim: 0.3353 },
    ),
  },
};

/** The published row a result can be compared with: compat mode, the published baseline, a known dataset/task. */
export function publishedRowFor(mode: string, model: string, dataset: string, task: string): PublishedRow | undefined {
  if (mode !== "compat" || model !== "bicubic-superbench") return undefined;
  return PUBLISHED_BICUBIC[dataset]?.[task];
}
