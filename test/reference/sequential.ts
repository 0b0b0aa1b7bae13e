/**
 * float64 CPU reference of any supported Keras Sequential (a ModelInfo), composed from the
 * layer references: forward (training or evaluation), loss, backward into the flat gradient
 * (the model's parameter table layout), and whole training steps. BatchNormalization in
 * training updates its moving statistics inside `params`, as the GPU's forward does.
 *
 * Every layer's reference is checked against finite differences in its own test; this file
 * only chains them. The final softmax (Dense or Activation) is the loss's: the layer before it
 * yields the logits.
 */
import type { LayerInfo, ModelInfo } from '../../src/model/model-info.ts';
import type { ElementwiseActivation } from '../../src/model/activations.ts';
import { conv2dGeneralBackward, conv2dGeneralForward, type ConvGeneralShape } from './conv2d-general.ts';
import { denseActivationBackward, denseActivationForward } from './dense.ts';
import { pool2dBackward, pool2dForward, type Pool2dRefResult, type PoolShape, type PoolWindow } from './pool2d.ts';
import { globalAvgPoolBackward, globalAvgPoolForward } from './global-avg-pool.ts';
import { softmaxRowsBackward, softmaxRowsForward } from './activation-layer.ts';
import { activationBackward, activationForward } from './activation.ts';
import { batchNormBackward, batchNormInferenceForward, batchNormMovingUpdate, batchNormTrainingForward } from './batch-norm.ts';
import { dropoutBackward, dropoutForward, type DropoutMask } from './dropout.ts';
import { softmaxCrossEntropy } from './loss.ts';
import { dropoutLayerId, dropoutMask } from '../../src/layers/dropout-rng.ts';
import { adamStep, sgdMomentumStep } from './optim.ts';
import type { OptimizerOptions } from './model.ts';

/** Training mode: the keep mask of each Dropout layer (by layer index) for this batch. */
export type DropoutMasksOf = (layer: LayerInfo, count: number) => DropoutMask;

/** The masks the GPU's counter-based generator draws at training step `step` of a run seeded `seed` (src/layers/dropout-rng.ts). */
export function gpuDropoutMasks(model: ModelInfo, seed: number, step: number): DropoutMasksOf {
  return (l, count) => dropoutMask(seed, step, dropoutLayerId(model.layers, l), count, l.spec.type === 'Dropout' ? l.spec.options.rate : 0);
}

export interface SequentialForward {
  B: number;
  /** inputs[i]: what layer i read; outputs[i]: what it wrote (the last one: the logits). */
  inputs: Float64Array[];
  outputs: Float64Array[];
  /** Per-layer data the backward needs (pooling arg-max). */
  caches: (Pool2dRefResult | undefined)[];
  logits: Float64Array;
}

function weight(params: Float64Array, l: LayerInfo, name: string): Float64Array | null {
  const p = l.weights.find((w) => w.weight === name);
  return p ? params.subarray(p.offset, p.offset + p.size) : null;
}

function must(a: Float64Array | null, what: string): Float64Array {
  if (!a) throw new Error(`missing weight ${what}`);
  return a;
}

function convShape(l: LayerInfo, B: number): ConvGeneralShape {
  if (l.spec.type !== 'Conv2D') throw new Error('not a Conv2D');
  const [H, W, Cin] = l.inputShape;
  const o = l.spec.options;
  return { B, H, W, Cin, Cout: o.filters, KH: o.kernelSize[0], KW: o.kernelSize[1], SH: o.strides[0], SW: o.strides[1], padding: o.padding };
}

function poolArgs(l: LayerInfo, B: number): { s: PoolShape; w: PoolWindow; kind: 'max' | 'average' } {
  if (l.spec.type !== 'MaxPooling2D' && l.spec.type !== 'AveragePooling2D') throw new Error('not a pooling layer');
  const [H, W, C] = l.inputShape;
  const o = l.spec.options;
  return {
    s: { B, H, W, C },
    w: { ph: o.poolSize[0], pw: o.poolSize[1], sh: o.strides[0], sw: o.strides[1], padding: o.padding },
    kind: l.spec.type === 'MaxPooling2D' ? 'max' : 'average',
  };
}

/** The activation a layer applies here: the final softmax is the loss's (identity). */
function layerActivation(l: LayerInfo, last: boolean): ElementwiseActivation | 'softmax' {
  const a = l.spec.type === 'Dense' || l.spec.type === 'Activation' ? l.spec.options.activation : 'linear';
  return a === 'softmax' && last ? 'linear' : a;
}

const count = (l: LayerInfo) => l.outputShape.reduce((a, b) => a * b, 1);
const channelsOf = (l: LayerInfo) => l.inputShape[l.inputShape.length - 1];

/** One layer's reference forward: its output and what its backward needs (pooling arg-max). */
export interface LayerForward {
  y: Float64Array;
  cache?: Pool2dRefResult;
}

/**
 * Layer `l`'s forward over a batch of B samples of its input `x`. `last`: the model's last
 * layer (a softmax there is the loss's). `masks` null: evaluation (no dropout,
 * BatchNormalization's moving statistics); else training (batch statistics, and the moving
 * statistics in `params` updated in place).
 */
export function layerForward(l: LayerInfo, last: boolean, params: Float64Array, x: Float64Array, B: number, masks: DropoutMasksOf | null): LayerForward {
  switch (l.spec.type) {
    case 'Conv2D':
      return { y: conv2dGeneralForward(x, must(weight(params, l, 'kernel'), 'kernel'), weight(params, l, 'bias'), convShape(l, B), l.spec.options.activation) };
    case 'Dense':
      return { y: denseActivationForward(x, must(weight(params, l, 'kernel'), 'kernel'), weight(params, l, 'bias'), B, l.inputShape[0], l.spec.options.units, layerActivation(l, last) as ElementwiseActivation) };
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const { s, w, kind } = poolArgs(l, B);
      const cache = pool2dForward(x, s, w, kind);
      return { y: cache.y, cache };
    }
    case 'GlobalAveragePooling2D':
      return { y: globalAvgPoolForward(x, B, l.inputShape[0], l.inputShape[1], l.inputShape[2]) };
    case 'Flatten':
      return { y: x };
    case 'Dropout':
      return { y: masks && l.spec.options.rate > 0 ? dropoutForward(x, masks(l, B * count(l)), l.spec.options.rate) : x };
    case 'Activation': {
      const a = layerActivation(l, last);
      return { y: a === 'softmax' ? softmaxRowsForward(x, B, count(l)) : activationForward(x, a) };
    }
    case 'BatchNormalization': {
      const C = channelsOf(l);
      const N = (B * count(l)) / C;
      const o = l.spec.options;
      const wts = { gamma: weight(params, l, 'gamma'), beta: weight(params, l, 'beta') };
      const mean = must(weight(params, l, 'moving_mean'), 'moving_mean');
      const variance = must(weight(params, l, 'moving_variance'), 'moving_variance');
      if (!masks) return { y: batchNormInferenceForward(x, N, C, wts, mean, variance, o.epsilon) };
      const t = batchNormTrainingForward(x, N, C, wts, o.epsilon);
      mean.set(batchNormMovingUpdate(mean, t.mean, o.momentum));
      variance.set(batchNormMovingUpdate(variance, t.variance, o.momentum));
      return { y: t.y };
    }
  }
}

/** The elementwise activation a Conv2D or Dense layer applies at the end of its forward ('linear' for every other layer). */
export function ownActivation(l: LayerInfo, last: boolean): ElementwiseActivation {
  if (l.spec.type === 'Conv2D') return l.spec.options.activation;
  if (l.spec.type === 'Dense') return layerActivation(l, last) as ElementwiseActivation;
  return 'linear';
}

/**
 * Layer `l`'s backward: dL/d its input from `dy`, its forward input `x` and output `fwd`;
 * its weight gradients written into `grads` (the model's table layout). `preActivation`: `dy`
 * is already dL/d the pre-activation of a Conv2D or Dense layer (its activation's derivative
 * applied), as a fusion's stored gradient is.
 */
export function layerBackward(
  l: LayerInfo,
  last: boolean,
  params: Float64Array,
  x: Float64Array,
  fwd: LayerForward,
  dy: Float64Array,
  B: number,
  masks: DropoutMasksOf | null,
  grads: Float64Array,
  preActivation = false,
): Float64Array {
  const setGrad = (name: string, g: Float64Array | null) => {
    const p = l.weights.find((w) => w.weight === name);
    if (p && g) grads.set(g, p.offset);
  };
  const y = fwd.y;
  switch (l.spec.type) {
    case 'Conv2D': {
      const act = preActivation ? 'linear' : l.spec.options.activation;
      const g = conv2dGeneralBackward(dy, x, must(weight(params, l, 'kernel'), 'kernel'), y, convShape(l, B), act, l.spec.options.useBias);
      setGrad('kernel', g.dk);
      setGrad('bias', g.db);
      return g.dx;
    }
    case 'Dense': {
      const o = l.spec.options;
      const act = preActivation ? 'linear' : (layerActivation(l, last) as ElementwiseActivation);
      const g = denseActivationBackward(dy, x, must(weight(params, l, 'kernel'), 'kernel'), y, B, l.inputShape[0], o.units, act, o.useBias);
      setGrad('kernel', g.dw);
      setGrad('bias', g.db);
      return g.dx;
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const { s, w, kind } = poolArgs(l, B);
      return pool2dBackward(dy, fwd.cache!, s, w, kind);
    }
    case 'GlobalAveragePooling2D':
      return globalAvgPoolBackward(dy, B, l.inputShape[0], l.inputShape[1], l.inputShape[2]);
    case 'Flatten':
      return dy;
    case 'Dropout':
      return masks && l.spec.options.rate > 0 ? dropoutBackward(dy, masks(l, B * count(l)), l.spec.options.rate) : dy;
    case 'Activation': {
      const a = layerActivation(l, last);
      return a === 'softmax' ? softmaxRowsBackward(dy, y, B, count(l)) : activationBackward(dy, y, a);
    }
    case 'BatchNormalization': {
      const C = channelsOf(l);
      const g = batchNormBackward(dy, x, (B * count(l)) / C, C, weight(params, l, 'gamma'), l.spec.options.epsilon);
      setGrad('gamma', g.dgamma);
      setGrad('beta', g.dbeta);
      return g.dx;
    }
  }
}

/**
 * Forward pass over B = x.length / inputSize samples. `masks` null: evaluation (no dropout,
 * BatchNormalization's moving statistics); else training (batch statistics, and the moving
 * statistics in `params` updated in place).
 */
export function sequentialForward(model: ModelInfo, params: Float64Array, x: Float64Array, masks: DropoutMasksOf | null): SequentialForward {
  const B = x.length / model.inputSize;
  if (!Number.isInteger(B)) throw new Error(`input of ${x.length} values is not a whole batch of ${model.inputSize}`);
  const inputs: Float64Array[] = [];
  const outputs: Float64Array[] = [];
  const caches: (Pool2dRefResult | undefined)[] = [];
  let h = x;
  model.layers.forEach((l, i) => {
    inputs.push(h);
    const f = layerForward(l, i === model.layers.length - 1, params, h, B, masks);
    outputs.push(f.y);
    caches.push(f.cache);
    h = f.y;
  });
  return { B, inputs, outputs, caches, logits: h };
}

/** Backward from dlogits (B, classes): the flat gradient in the model's table layout (moving statistics' slots zero). */
export function sequentialBackward(model: ModelInfo, params: Float64Array, fwd: SequentialForward, dlogits: Float64Array, masks: DropoutMasksOf | null): Float64Array {
  const grads = new Float64Array(model.params.length);
  let dy = dlogits;
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const last = i === model.layers.length - 1;
    dy = layerBackward(model.layers[i], last, params, fwd.inputs[i], { y: fwd.outputs[i], cache: fwd.caches[i] }, dy, fwd.B, masks, grads);
  }
  return grads;
}

/**
 * One training step in place on `params` (the model's flat layout, float64): forward (with
 * BatchNormalization's moving update), loss, backward, optimizer (Adam with 1-based step t,
 * or SGD with momentum using `m` as velocity). Returns the batch's mean loss and correct count.
 */
export function sequentialTrainStep(
  model: ModelInfo,
  params: Float64Array,
  m: Float64Array,
  v: Float64Array,
  t: number,
  images: Float64Array,
  labels: ArrayLike<number>,
  masks: DropoutMasksOf,
  opt: OptimizerOptions,
): { loss: number; correct: number } {
  const fwd = sequentialForward(model, params, images, masks);
  const ce = softmaxCrossEntropy(fwd.logits, labels, fwd.B, model.classes);
  const grads = sequentialBackward(model, params, fwd, ce.dlogits, masks);
  if (opt.kind === 'sgd') sgdMomentumStep(params, grads, m, opt);
  else adamStep(params, grads, m, v, t, opt);
  return { loss: ce.loss, correct: ce.correct };
}
