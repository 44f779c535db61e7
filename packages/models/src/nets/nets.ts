import * as tfl from "@tensorflow/tfjs-layers";
import { NET_DESCRIPTORS, type NetDescriptor, type NetName } from "./descriptors.js";
import { CircularPad, PixelShuffle, Scale, SpectralConv2d } from "./layers.js";

/**
 * The SuperBench baselines as TF.js networks, channels-last, fully convolutional (any H, W). Sizes follow
 * docs/superbench.md at x8 with 3 channels: SRCNN 0.069 M, subpixel CNN 0.342 M, EDSR 1.665 M, WDSR 1.40 M,
 * FNO 4.75 M (complex weights counted once, as PyTorch does). Inputs and outputs are z-scored fields.
 */
export { NET_NAMES, type NetName, isNetName } from "./descriptors.js";

export interface NetSpec {
  readonly channels: number;
  readonly scale: number;
  /**
   * FNO only: add the (bicubic pre-upsampled) input to the output, so the net learns the correction to bicubic.
   * Not in SuperBench's FNO2d; same parameters. Without it, an FNO must carry every fine scale of the input through
   * four ReLU layers: after the same 260 s on the H200 it scored RFNE 0.0766 at x8 against 0.0609 with the skip
   * (results/nskt_re16000_webgpu/, models/README.md).
   */
  readonly globalSkip?: boolean;
}

/** The net's descriptor (descriptors.ts) plus what needs the built graph. */
export interface NetInfo extends NetDescriptor {
  /** Parameter count as PyTorch reports it (FNO's complex weights once). */
  readonly referenceParameters: (model: tfl.LayersModel) => number;
}

type T = tfl.SymbolicTensor;
const conv = (filters: number, kernelSize: number, x: T, activation?: "relu", padding: "same" | "valid" = "same") =>
  tfl.layers.conv2d({ filters, kernelSize, padding, ...(activation ? { activation } : {}) }).apply(x) as T;

function srcnn({ channels }: NetSpec): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, channels] as unknown as number[] });
  let h = conv(64, 9, input, "relu");
  h = conv(32, 5, h, "relu");
  return tfl.model({ inputs: input, outputs: conv(channels, 5, h), name: "srcnn" });
}

function subpixel({ channels, scale }: NetSpec): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, channels] as unknown as number[] });
  let h = conv(128, 5, input, "relu");
  h = conv(128, 3, h, "relu");
  h = conv(64, 3, h, "relu");
  h = conv(channels * scale * scale, 3, h);
  return tfl.model({ inputs: input, outputs: new PixelShuffle({ factor: scale }).apply(h) as T, name: "subpixel" });
}

function edsr({ channels, scale }: NetSpec): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, channels] as unknown as number[] });
  const head = conv(64, 3, input);
  let h = head;
  for (let i = 0; i < 16; i++) {
    let r = conv(64, 3, h, "relu");
    r = new Scale({ factor: 0.1 }).apply(conv(64, 3, r)) as T;
    h = tfl.layers.add().apply([h, r]) as T;
  }
  h = tfl.layers.add().apply([conv(64, 3, h), head]) as T;
  for (let s = scale; s > 1; s /= 2) {
    if (s % 2 !== 0) throw new Error(`EDSR upsamples by powers of two; scale ${scale} is not one`);
    h = new PixelShuffle({ factor: 2 }).apply(conv(256, 3, h)) as T;
  }
  return tfl.model({ inputs: input, outputs: conv(channels, 3, h), name: "edsr" });
}

/** WDSR-A with circular padding; weight normalisation is left out (it adds 0.2% parameters, documented). */
function wdsr({ channels, scale }: NetSpec): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, channels] as unknown as number[] });
  const pconv = (filters: number, k: number, x: T, activation?: "relu") =>
    conv(filters, k, new CircularPad({ pad: (k - 1) / 2 }).apply(x) as T, activation, "valid");
  let h = pconv(32, 3, input);
  for (let i = 0; i < 18; i++) {
    let r = pconv(128, 3, h, "relu");
    r = new Scale({ factor: 0.1 }).apply(pconv(32, 3, r)) as T;
    h = tfl.layers.add().apply([h, r]) as T;
  }
  const body = new PixelShuffle({ factor: scale }).apply(pconv(channels * scale * scale, 3, h)) as T;
  const skip = new PixelShuffle({ factor: scale }).apply(pconv(channels * scale * scale, 5, input)) as T;
  return tfl.model({ inputs: input, outputs: tfl.layers.add().apply([body, skip]) as T, name: "wdsr" });
}

/** FNO2d as in SuperBench: lift C -> 64, 4 Fourier layers (12x12 modes) + 1x1 conv with ReLU, 64 -> 128 -> 64 -> C. */
function fno({ channels, globalSkip }: NetSpec): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, channels] as unknown as number[] });
  let h = tfl.layers.dense({ units: 64 }).apply(input) as T;
  for (let i = 0; i < 4; i++) {
    const spectral = new SpectralConv2d({ filters: 64, modes1: 12, modes2: 12 }).apply(h) as T;
    const local = conv(64, 1, h);
    h = tfl.layers.add().apply([spectral, local]) as T;
    if (i < 3) h = tfl.layers.activation({ activation: "relu" }).apply(h) as T;
  }
  h = tfl.layers.dense({ units: 128, activation: "relu" }).apply(h) as T;
  h = tfl.layers.dense({ units: 64, activation: "relu" }).apply(h) as T;
  const projected = tfl.layers.dense({ units: channels }).apply(h) as T;
  const output = globalSkip === true ? (tfl.layers.add().apply([projected, input]) as T) : projected;
  return tfl.model({ inputs: input, outputs: output, name: "fno" });
}

const countParams = (model: tfl.LayersModel) => model.countParams();

/** PyTorch counts FNO's complex spectral weights once: subtract one of the two real parts. */
const countFnoReference = (model: tfl.LayersModel) =>
  model.countParams() -
  model.layers.filter((l) => l instanceof SpectralConv2d).reduce((sum, l) => sum + l.countParams() / 2, 0);

const net = (name: NetName, build: (spec: NetSpec) => tfl.LayersModel, referenceParameters = countParams) => ({
  build,
  info: { ...NET_DESCRIPTORS[name], referenceParameters },
});

/** The graph of every net in descriptors.ts (the Record type makes a missing one a compile error). */
export const NETS: Record<NetName, { build: (spec: NetSpec) => tfl.LayersModel; info: NetInfo }> = {
  srcnn: net("srcnn", srcnn),
  subpixel: net("subpixel", subpixel),
  edsr: net("edsr", edsr),
  wdsr: net("wdsr", wdsr),
  fno: net("fno", fno, countFnoReference),
};
