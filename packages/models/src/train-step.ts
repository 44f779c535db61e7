import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

/** A loss by tfjs-layers name, or a function of (yTrue, yPred) giving per-sample (or per-pixel) losses to average. */
export type StepLoss = "meanAbsoluteError" | "meanSquaredError" | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor);

/** One optimizer step on a batch; returns the batch loss as a scalar the caller owns (dispose it, read it rarely). */
export type TrainStep = (x: tf.Tensor, y: tf.Tensor) => tf.Scalar;

/**
 * A training step without tfjs-layers' fit machinery: `trainOnBatch` standardises and checks its inputs,
 * rebuilds its train function, and awaits the loss on the host every call, which on the GPU costs more than the
 * kernels of a small net. This computes the same thing (the graph run with `training: true`, the loss's mean
 * over all elements, `optimizer.minimize` over the trainable variables in the same order, so Adam's moments
 * line up and a checkpoint from either path resumes in the other) and leaves the loss on the device.
 */
export function createTrainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, loss: StepLoss): TrainStep {
  const lossFn = typeof loss === "function" ? loss : LOSSES[loss];
  // The same list trainOnBatch passes (collectedTrainableWeights = trainableWeights at compile time).
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return (x, y) => {
    const cost = optimizer.minimize(
      () => {
        const yPred = model.apply(x, { training: true }) as tf.Tensor;
        // Mean of the per-sample means, exactly as tfjs-layers reduces it, so both paths round alike.
        let total = tf.mean(lossFn(y, yPred)) as tf.Scalar;
        // Weight regularisers, as trainOnBatch adds them (none of fieldbench's nets has one).
        for (const penalty of model.calculateLosses()) total = tf.add(total, penalty);
        return total;
      },
      true,
      variables,
    );
    if (cost === null) throw new Error("optimizer.minimize returned no cost although asked to");
    return cost;
  };
}

const LOSSES = {
  meanAbsoluteError: tfl.metrics.meanAbsoluteError,
  meanSquaredError: tfl.metrics.meanSquaredError,
} as const;
