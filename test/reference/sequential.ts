/**
 * float64 CPU reference of any supported Keras Sequential (a ModelInfo), composed from the
 * layer references: forward (training or evaluation), loss, backward into the flat gradient
 * (the model's parameter table layout), and whole training steps. BatchNormalization in
 * training updates its moving statistics inside `params`, as the GPU's forward does.
 *
 * Every layer's reference is checked against finite differences in its own test; the record
 * of them by type is test/reference/layer-references.ts; this file only chains them. The
 * final softmax (Dense or Activation) is the loss's: the layer before it yields the logits.
 */
import type { LayerInfo, ModelInfo } from '../../src/model/model-info.ts';
import type { ElementwiseActivation } from '../../src/model/activations.ts';
import type { Pool2dRefResult } from './pool2d.ts';
import { softmaxCrossEntropy } from './loss.ts';
import { dropoutLayerId, dropoutMask } from '../../src/layers/dropout-rng.ts';
import { adamStep, sgdMomentumStep } from './optim.ts';
import type { OptimizerOptions } from './model.ts';
import { layerActivation, referenceOf, type DropoutMasksOf, type LayerForward } from './layer-references.ts';

export type { DropoutMasksOf, LayerForward };

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

/**
 * Layer `l`'s forward over a batch of B samples of its input `x`. `last`: the model's last
 * layer (a softmax there is the loss's). `masks` null: evaluation (no dropout,
 * BatchNormalization's moving statistics); else training (batch statistics, and the moving
 * statistics in `params` updated in place).
 */
export function layerForward(l: LayerInfo, last: boolean, params: Float64Array, x: Float64Array, B: number, masks: DropoutMasksOf | null): LayerForward {
  return referenceOf(l).forward(l, { last, params, x, B, masks });
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
  return referenceOf(l).backward(l, { last, params, x, fwd, dy, B, masks, grads, preActivation });
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
 * or SGD with momentum using `m` as velocity) on the trainable weights. Returns the batch's
 * mean loss and correct count.
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
  // The optimizer updates the trainable weights only: a zero gradient with zero moments leaves
  // the others exactly as they are (Adam and SGD alike).
  for (const p of model.params.entries) if (!p.trainable) grads.fill(0, p.offset, p.offset + p.size);
  if (opt.kind === 'sgd') sgdMomentumStep(params, grads, m, opt);
  else adamStep(params, grads, m, v, t, opt);
  return { loss: ce.loss, correct: ce.correct };
}
