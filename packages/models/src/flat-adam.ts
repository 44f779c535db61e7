import * as tf from "@tensorflow/tfjs-core";

/**
 * Adam with tfjs's arithmetic, fewer kernel launches. tfjs's AdamOptimizer runs about twelve element-wise kernels
 * per variable; on tfjs-webgpu each is a dispatch with ~70 us of host work, ~900 launches an EDSR step (half its
 * time on the H200, packages/models/reports/bench-gpu-2026-11-29.md). Here the moments live in two flat
 * variables and each step runs the same element-wise ops once on the concatenation of all gradients and weights,
 * then slices the new weights back: 2 concatenations + 12 ops + one slice a variable. The ops and their order are
 * tfjs's, element by element, so weights and moments are bit-identical to `tf.train.adam`'s; getWeights/setWeights
 * speak Adam's per-variable format (`<var>/m`, `<var>/v`, iterations), so checkpoints move between the two.
 */
export class FlatAdamOptimizer extends tf.AdamOptimizer {
  private flatM: tf.Variable | undefined;
  private flatV: tf.Variable | undefined;
  /** Names and shapes of the variables, in the order of the flat layout (set by the first step or setWeights). */
  private layout: { name: string; shape: number[]; size: number }[] = [];

  static override get className(): string {
    // Serialised as Adam: the state and the update are Adam's.
    return "Adam";
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs = Array.isArray(variableGradients)
      ? variableGradients.map((v) => ({ name: v.name, gradient: v.tensor }))
      : Object.keys(variableGradients).map((name) => ({ name, gradient: variableGradients[name] }));
    const values = pairs.map(({ name }) => tf.engine().registeredVariables[name] as tf.Variable);
    for (const [i, { name, gradient }] of pairs.entries()) {
      if (gradient == null) throw new Error(`FlatAdamOptimizer: no gradient for ${name} (every variable needs one)`);
      if (values[i] === undefined) throw new Error(`FlatAdamOptimizer: ${name} is not a registered variable`);
    }
    this.ensureState(pairs.map(({ name }, i) => ({ name, shape: (values[i] as tf.Variable).shape })));
    const self = this as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
    const { beta1, beta2, epsilon, learningRate } = this;
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, self.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, self.accBeta2);
      const gradient = flatConcat(pairs.map((p) => p.gradient as tf.Tensor));
      const value = flatConcat(values);
      const firstMoment = this.flatM as tf.Variable;
      const secondMoment = this.flatV as tf.Variable;
      const newFirstMoment = tf.add(tf.mul(firstMoment, beta1), tf.mul(gradient, 1 - beta1));
      const newSecondMoment = tf.add(tf.mul(secondMoment, beta2), tf.mul(tf.square(gradient), 1 - beta2));
      const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
      const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
      firstMoment.assign(newFirstMoment);
      secondMoment.assign(newSecondMoment);
      const newValue = tf.add(
        tf.mul(tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), epsilon)), -learningRate),
        value,
      );
      let offset = 0;
      for (const [i, v] of values.entries()) {
        const { size, shape } = this.layout[i] as { size: number; shape: number[] };
        v.assign(tf.reshape(tf.slice(newValue, [offset], [size]), shape));
        offset += size;
      }
      self.accBeta1.assign(tf.mul(self.accBeta1, beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, beta2));
    });
    this.incrementIterations();
  }

  /**
   * Zero moments on the first step. Later steps (and the first after setWeights) must bring variables of the same
   * sizes in the same order; names are taken from the step, as tfjs's Adam matches restored moments by position
   * (layer names carry per-process counters).
   */
  private ensureState(variables: { name: string; shape: number[] }[]): void {
    const layout = variables.map(({ name, shape }) => ({ name, shape, size: sizeOf(shape) }));
    if (this.flatM === undefined) {
      const total = layout.reduce((sum, v) => sum + v.size, 0);
      this.flatM = tf.zeros([total]).variable(false);
      this.flatV = tf.zeros([total]).variable(false);
    } else if (layout.length !== this.layout.length || layout.some((v, i) => v.size !== this.layout[i]?.size)) {
      throw new Error("FlatAdamOptimizer: the variables differ from those the moments were made for");
    }
    this.layout = layout;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const iterations = await this.saveIterations();
    if (this.flatM === undefined || this.flatV === undefined) return [iterations];
    const split = (flat: tf.Variable, suffix: string) => {
      let offset = 0;
      return this.layout.map(({ name, shape, size }) => {
        const tensor = tf.tidy(() => tf.reshape(tf.slice(flat, [offset], [size]), shape));
        offset += size;
        return { name: `${name}/${suffix}`, tensor };
      });
    };
    return [iterations, ...split(this.flatM, "m"), ...split(this.flatV, "v")];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const self = this as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable; iterations_: number };
    tf.tidy(() => {
      self.accBeta1.assign(tf.pow(this.beta1, self.iterations_ + 1));
      self.accBeta2.assign(tf.pow(this.beta2, self.iterations_ + 1));
    });
    const count = rest.length / 2;
    const firsts = rest.slice(0, count);
    this.layout = firsts.map(({ name, tensor }) => ({
      name: name.replace(/\/m$/, ""),
      shape: tensor.shape,
      size: tensor.size,
    }));
    this.flatM?.dispose();
    this.flatV?.dispose();
    this.flatM = tf.tidy(() => flatConcat(firsts.map((w) => w.tensor)).variable(false));
    this.flatV = tf.tidy(() => flatConcat(rest.slice(count).map((w) => w.tensor)).variable(false));
  }

  override dispose(): void {
    super.dispose();
    this.flatM?.dispose();
    this.flatV?.dispose();
  }
}

/** `tf.train.adam`'s signature and defaults, with the flat update. */
export function flatAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FlatAdamOptimizer {
  return new FlatAdamOptimizer(learningRate, beta1, beta2, epsilon);
}

type NamedTensor = { name: string; tensor: tf.Tensor };

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function flatConcat(tensors: tf.Tensor[]): tf.Tensor1D {
  return tf.concat(
    tensors.map((t) => tf.reshape(t, [-1])),
    0,
  ) as tf.Tensor1D;
}
