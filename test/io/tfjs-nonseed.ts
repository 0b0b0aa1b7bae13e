// A non-seed Sequential built and saved by TensorFlow.js itself (tfjs-layers 4.22, cpu
// backend), and TF.js's own figures for it: class probabilities, categorical cross-entropy and
// accuracy on given MNIST images. Browser-safe (no node imports): the e2e test writes the
// saved model to disk, the GPU test reads it from memory.
//
// The model exercises what the seed's network does not: a 5x5 'same' convolution of stride 2
// (Keras pads 28 -> 14 asymmetrically: 1 row above, 2 below), tanh, BatchNormalization with
// non-default gamma, beta and moving statistics, average pooling, a sigmoid convolution without
// bias, global average pooling and a softmax Dense.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import type { MnistSplit } from '../../src/data/mnist.ts';

export const CLASSES = 10;

/** Uniform values in [lo, hi) from a small LCG, so that the weights do not depend on TF.js's RNG. */
function uniform(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 2 ** 32;
  }
  return out;
}

/**
 * The model, its weights drawn here: kernels glorot-sized, biases, gamma and beta away from
 * 0 and 1, moving mean and variance away from TF.js's defaults (0 and 1), so that a reader that
 * drops or swaps any of them computes a different function.
 */
export function buildNonSeedModel(seed = 7): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, strides: 2, padding: 'same', activation: 'tanh' }));
  model.add(tfl.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-3 }));
  model.add(tfl.layers.averagePooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'valid', activation: 'sigmoid', useBias: false }));
  model.add(tfl.layers.globalAveragePooling2d({}));
  model.add(tfl.layers.dense({ units: CLASSES, activation: 'softmax' }));
  const weights = model.weights.map((w, k) => {
    const shape = w.shape as number[]; // a weight's shape is fully known
    const n = shape.reduce((a, b) => a * b, 1);
    const name = w.originalName;
    let values: Float32Array;
    if (name.includes('moving_variance')) values = uniform(n, seed * 31 + k, 0.02, 0.3);
    else if (name.includes('moving_mean')) values = uniform(n, seed * 31 + k, -0.4, 0.4);
    else if (name.includes('gamma')) values = uniform(n, seed * 31 + k, 0.5, 2);
    else if (name.includes('beta') || name.includes('bias')) values = uniform(n, seed * 31 + k, -0.5, 0.5);
    else {
      // kernels: fan_in = product of all but the last dimension
      const fanIn = n / shape[shape.length - 1];
      const limit = 2.5 / Math.sqrt(fanIn);
      values = uniform(n, seed * 31 + k, -limit, limit);
    }
    return tf.tensor(values, shape);
  });
  model.setWeights(weights);
  for (const w of weights) w.dispose();
  return model;
}

export interface TfjsFigures {
  /** (count, CLASSES) softmax outputs. */
  probs: Float32Array;
  /** Mean categorical cross-entropy (TF.js's float32 loss). */
  loss: number;
  accuracy: number;
  /** Images whose two largest probabilities lie within `nearTie` of each other (their argmax may flip in float32). */
  nearTies: number;
}

/** TF.js's prediction, loss and accuracy on the first `count` images of a split (pixels / 255). */
export async function tfjsFigures(model: tfl.LayersModel, split: MnistSplit, count: number, nearTie = 1e-5): Promise<TfjsFigures> {
  const [h, w, c] = (model.inputs[0].shape.slice(1) as number[]);
  const pixels = Float32Array.from(split.images.subarray(0, count * h * w * c), (v) => v / 255);
  const labels = Array.from(split.labels.subarray(0, count));
  const result = tf.tidy(() => {
    const x = tf.tensor4d(pixels, [count, h, w, c]);
    const y = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES), 'float32');
    const p = model.predict(x) as tf.Tensor;
    return { p, loss: tf.mean(tfl.metrics.categoricalCrossentropy(y, p)), acc: tf.mean(tfl.metrics.categoricalAccuracy(y, p)) };
  });
  const probs = (await result.p.data()) as Float32Array;
  const loss = (await result.loss.data())[0];
  const accuracy = (await result.acc.data())[0];
  tf.dispose([result.p, result.loss, result.acc]);
  let nearTies = 0;
  for (let i = 0; i < count; i++) {
    const row = Array.from(probs.subarray(i * CLASSES, (i + 1) * CLASSES)).sort((a, b) => b - a);
    if (row[0] - row[1] < nearTie) nearTies++;
  }
  return { probs, loss, accuracy, nearTies };
}
