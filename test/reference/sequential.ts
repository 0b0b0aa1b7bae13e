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
import { adamStep, sgdMomentumStep } from './optim.ts';
import type { OptimizerOptions } from './model.ts';

/** Training mode: the keep mask of each Dropout layer (by layer index) for this batch. */
export type DropoutMasksOf = (layer: LayerInfo, count: number) => DropoutMask;

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
    const last = i === model.layers.length - 1;
    inputs.push(h);
    let cache: Pool2dRefResult | undefined;
    let y: Float64Array;
    switch (l.spec.type) {
      case 'Conv2D':
        y = conv2dGeneralForward(h, must(weight(params, l, 'kernel'), 'kernel'), weight(params, l, 'bias'), convShape(l, B), l.spec.options.activation);
        break;
      case 'Dense':
        y = denseActivationForward(h, must(weight(params, l, 'kernel'), 'kernel'), weight(params, l, 'bias'), B, l.inputShape[0], l.spec.options.units, layerActivation(l, last) as ElementwiseActivation);
        break;
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const { s, w, kind } = poolArgs(l, B);
        cache = pool2dForward(h, s, w, kind);
        y = cache.y;
        break;
      }
      case 'GlobalAveragePooling2D':
        y = globalAvgPoolForward(h, B, l.inputShape[0], l.inputShape[1], l.inputShape[2]);
        break;
      case 'Flatten':
        y = h;
        break;
      case 'Dropout':
        y = masks && l.spec.options.rate > 0 ? dropoutForward(h, masks(l, B * count(l)), l.spec.options.rate) : h;
        break;
      case 'Activation': {
        const a = layerActivation(l, last);
        y = a === 'softmax' ? softmaxRowsForward(h, B, count(l)) : activationForward(h, a);
        break;
      }
      case 'BatchNormalization': {
        const C = channelsOf(l);
        const N = (B * count(l)) / C;
        const o = l.spec.options;
        const wts = { gamma: weight(params, l, 'gamma'), beta: weight(params, l, 'beta') };
        const mean = must(weight(params, l, 'moving_mean'), 'moving_mean');
        const variance = must(weight(params, l, 'moving_variance'), 'moving_variance');
        if (masks) {
          const t = batchNormTrainingForward(h, N, C, wts, o.epsilon);
          mean.set(batchNormMovingUpdate(mean, t.mean, o.momentum));
          variance.set(batchNormMovingUpdate(variance, t.variance, o.momentum));
          y = t.y;
        } else {
          y = batchNormInferenceForward(h, N, C, wts, mean, variance, o.epsilon);
        }
        break;
      }
    }
    outputs.push(y);
    caches.push(cache);
    h = y;
  });
  return { B, inputs, outputs, caches, logits: h };
}

/** Backward from dlogits (B, classes): the flat gradient in the model's table layout (moving statistics' slots zero). */
export function sequentialBackward(model: ModelInfo, params: Float64Array, fwd: SequentialForward, dlogits: Float64Array, masks: DropoutMasksOf | null): Float64Array {
  const grads = new Float64Array(model.params.length);
  const setGrad = (l: LayerInfo, name: string, g: Float64Array | null) => {
    const p = l.weights.find((w) => w.weight === name);
    if (p && g) grads.set(g, p.offset);
  };
  const { B } = fwd;
  let dy = dlogits;
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const l = model.layers[i];
    const last = i === model.layers.length - 1;
    const x = fwd.inputs[i];
    const y = fwd.outputs[i];
    switch (l.spec.type) {
      case 'Conv2D': {
        const g = conv2dGeneralBackward(dy, x, must(weight(params, l, 'kernel'), 'kernel'), y, convShape(l, B), l.spec.options.activation, l.spec.options.useBias);
        setGrad(l, 'kernel', g.dk);
        setGrad(l, 'bias', g.db);
        dy = g.dx;
        break;
      }
      case 'Dense': {
        const o = l.spec.options;
        const g = denseActivationBackward(dy, x, must(weight(params, l, 'kernel'), 'kernel'), y, B, l.inputShape[0], o.units, layerActivation(l, last) as ElementwiseActivation, o.useBias);
        setGrad(l, 'kernel', g.dw);
        setGrad(l, 'bias', g.db);
        dy = g.dx;
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const { s, w, kind } = poolArgs(l, B);
        dy = pool2dBackward(dy, fwd.caches[i]!, s, w, kind);
        break;
      }
      case 'GlobalAveragePooling2D':
        dy = globalAvgPoolBackward(dy, B, l.inputShape[0], l.inputShape[1], l.inputShape[2]);
        break;
      case 'Flatten':
        break;
      case 'Dropout':
        if (masks && l.spec.options.rate > 0) dy = dropoutBackward(dy, masks(l, B * count(l)), l.spec.options.rate);
        break;
      case 'Activation': {
        const a = layerActivation(l, last);
        dy = a === 'softmax' ? softmaxRowsBackward(dy, y, B, count(l)) : activationBackward(dy, y, a);
        break;
      }
      case 'BatchNormalization': {
        const C = channelsOf(l);
        const g = batchNormBackward(dy, x, (B * count(l)) / C, C, weight(params, l, 'gamma'), l.spec.options.epsilon);
        setGrad(l, 'gamma', g.dgamma);
        setGrad(l, 'beta', g.dbeta);
        dy = g.dx;
        break;
      }
    }
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
