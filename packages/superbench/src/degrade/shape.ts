import { FieldbenchError } from "@fieldbench/core";

/** [C, H, W] of one snapshot. */
export type FieldShape = readonly [number, number, number];

export function checkScale(shape: FieldShape, scale: number, method: string): void {
  if (!Number.isInteger(scale) || scale < 1) {
    throw new FieldbenchError("INVALID_VALUE", `${method}: scale ${scale} is not a positive integer`);
  }
  if (shape[1] < scale || shape[2] < scale) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `${method}: a ${shape[1]}x${shape[2]} field is smaller than the scale ${scale}`,
    );
  }
}

/** LR size as torchvision Resize((H // s, W // s)) computes it. */
export function lrSize(shape: FieldShape, scale: number, method: string): [number, number] {
  checkScale(shape, scale, method);
  return [Math.floor(shape[1] / scale), Math.floor(shape[2] / scale)];
}
