/**
 * float64 CPU reference of the whole network (DESIGN.md table), built from the layer
 * references. Parameters and gradients use the flat layout of test/model/seed-params.ts
 * (length PARAM_BUFFER_LENGTH, padding zero).
 *
 *   images (B,28,28[,1]) -> conv2d+relu (B,26,26,32) -> pool (B,13,13,32) -> dropout
 *   -> conv2d_1+relu (B,11,11,64) -> pool (B,5,5,64) -> dropout_1 -> flatten (B,1600)
 *   -> dense+relu (B,128) -> dropout_2 -> dense_1 (B,10) logits
 */
import {
  C0,
  C1,
  C2,
  CLASSES,
  DROPOUT_RATES,
  FLAT,
  H1,
  H2,
  HIDDEN,
  IMAGE,
  P1,
  P2,
} from '../model/seed-architecture.ts';
import { PARAM_BUFFER_LENGTH, paramView } from '../model/seed-params.ts';
import type { Rng } from '../../src/model/rng.ts';
import { conv2dBackward, conv2dForward } from './conv2d.ts';
import { denseBackward, denseForward } from './dense.ts';
import { dropoutBackward, dropoutForward, type DropoutMask } from './dropout.ts';
import { softmaxCrossEntropy } from './loss.ts';
import { adamStep, sgdMomentumStep, type AdamOptions, type SgdOptions } from './optim.ts';
import { maxpool2x2Backward, maxpool2x2Forward } from './pool.ts';
import { reluBackward, reluForward } from './relu.ts';

/** Keep masks of the three dropout layers (truthy = kept). */
export interface DropoutMasks {
  /** (B, 13, 13, 32) */
  d1: DropoutMask;
  /** (B, 5, 5, 64) */
  d2: DropoutMask;
  /** (B, 128) */
  d3: DropoutMask;
}

export type DropoutRates = readonly [number, number, number];

/** Every intermediate of a forward pass (all NHWC, float64). */
export interface ModelForward {
  B: number;
  /** (B, 28, 28, 1) input pixels */
  x: Float64Array;
  /** (B, 26, 26, 32) conv2d output before ReLU */
  z1: Float64Array;
  /** (B, 26, 26, 32) after ReLU */
  a1: Float64Array;
  /** (B, 13, 13, 32) after max_pooling2d */
  p1: Float64Array;
  /** (B, 13, 13, 32) flat index into a1 of each pooled max */
  arg1: Int32Array;
  /** (B, 13, 13, 32) after dropout (= p1 at evaluation) */
  d1: Float64Array;
  /** (B, 11, 11, 64) conv2d_1 output before ReLU */
  z2: Float64Array;
  /** (B, 11, 11, 64) after ReLU */
  a2: Float64Array;
  /** (B, 5, 5, 64) after max_pooling2d_1 */
  p2: Float64Array;
  /** (B, 5, 5, 64) flat index into a2 of each pooled max */
  arg2: Int32Array;
  /** (B, 5, 5, 64) = (B, 1600) after dropout_1 and flatten */
  d2: Float64Array;
  /** (B, 128) dense output before ReLU */
  z3: Float64Array;
  /** (B, 128) after ReLU */
  a3: Float64Array;
  /** (B, 128) after dropout_2 */
  d3: Float64Array;
  /** (B, 10) dense_1 output (softmax is folded into the loss) */
  logits: Float64Array;
}

function toF64(a: ArrayLike<number>): Float64Array {
  return a instanceof Float64Array ? a : Float64Array.from(a);
}

function checkParams(params: ArrayLike<number>): Float64Array {
  if (params.length !== PARAM_BUFFER_LENGTH) {
    throw new Error(`params length ${params.length} != PARAM_BUFFER_LENGTH ${PARAM_BUFFER_LENGTH}`);
  }
  return toF64(params);
}

/**
 * Forward pass. `images` holds B*784 pixels in [0,1] ((B,28,28) row-major). `masks` null
 * means evaluation (no dropout); otherwise training with the given keep masks and rates.
 */
export function modelForward(
  params: ArrayLike<number>,
  images: ArrayLike<number>,
  masks: DropoutMasks | null,
  rates: DropoutRates = DROPOUT_RATES,
): ModelForward {
  const p = checkParams(params);
  const px = IMAGE * IMAGE * C0;
  if (images.length % px !== 0) throw new Error(`images length ${images.length} is not a multiple of ${px}`);
  const B = images.length / px;
  const x = toF64(images);

  const z1 = conv2dForward(x, paramView(p, 'conv2d/kernel'), paramView(p, 'conv2d/bias'), B, IMAGE, IMAGE, C0, C1);
  const a1 = reluForward(z1);
  const pool1 = maxpool2x2Forward(a1, B, H1, H1, C1);
  const d1 = masks ? dropoutForward(pool1.y, masks.d1, rates[0]) : pool1.y;

  const z2 = conv2dForward(d1, paramView(p, 'conv2d_1/kernel'), paramView(p, 'conv2d_1/bias'), B, P1, P1, C1, C2);
  const a2 = reluForward(z2);
  const pool2 = maxpool2x2Forward(a2, B, H2, H2, C2);
  const d2 = masks ? dropoutForward(pool2.y, masks.d2, rates[1]) : pool2.y;

  // flatten: identity on NHWC memory, feature (h*5+w)*64+c
  const z3 = denseForward(d2, paramView(p, 'dense/kernel'), paramView(p, 'dense/bias'), B, FLAT, HIDDEN);
  const a3 = reluForward(z3);
  const d3 = masks ? dropoutForward(a3, masks.d3, rates[2]) : a3;
  const logits = denseForward(d3, paramView(p, 'dense_1/kernel'), paramView(p, 'dense_1/bias'), B, HIDDEN, CLASSES);

  return { B, x, z1, a1, p1: pool1.y, arg1: pool1.argmax, d1, z2, a2, p2: pool2.y, arg2: pool2.argmax, d2, z3, a3, d3, logits };
}

/**
 * Backward pass from dlogits (B, 10) (e.g. softmaxCrossEntropy's, which holds the 1/B).
 * Returns the flat gradient in the parameter layout (length PARAM_BUFFER_LENGTH, padding 0).
 * `masks`/`rates` must be the ones used in the forward pass.
 */
export function modelBackward(
  params: ArrayLike<number>,
  fwd: ModelForward,
  dlogits: Float64Array,
  masks: DropoutMasks | null,
  rates: DropoutRates = DROPOUT_RATES,
): Float64Array {
  const p = checkParams(params);
  const B = fwd.B;
  const grads = new Float64Array(PARAM_BUFFER_LENGTH);

  const g4 = denseBackward(dlogits, fwd.d3, paramView(p, 'dense_1/kernel'), B, HIDDEN, CLASSES);
  paramView(grads, 'dense_1/kernel').set(g4.dw);
  paramView(grads, 'dense_1/bias').set(g4.db);
  const da3 = masks ? dropoutBackward(g4.dx, masks.d3, rates[2]) : g4.dx;
  const dz3 = reluBackward(da3, fwd.a3);

  const g3 = denseBackward(dz3, fwd.d2, paramView(p, 'dense/kernel'), B, FLAT, HIDDEN);
  paramView(grads, 'dense/kernel').set(g3.dw);
  paramView(grads, 'dense/bias').set(g3.db);
  const dp2 = masks ? dropoutBackward(g3.dx, masks.d2, rates[1]) : g3.dx;
  const da2 = maxpool2x2Backward(dp2, fwd.arg2, B, H2, H2, C2);
  const dz2 = reluBackward(da2, fwd.a2);

  const g2 = conv2dBackward(dz2, fwd.d1, paramView(p, 'conv2d_1/kernel'), B, P1, P1, C1, C2);
  paramView(grads, 'conv2d_1/kernel').set(g2.dk);
  paramView(grads, 'conv2d_1/bias').set(g2.db);
  const dp1 = masks ? dropoutBackward(g2.dx, masks.d1, rates[0]) : g2.dx;
  const da1 = maxpool2x2Backward(dp1, fwd.arg1, B, H1, H1, C1);
  const dz1 = reluBackward(da1, fwd.a1);

  const g1 = conv2dBackward(dz1, fwd.x, paramView(p, 'conv2d/kernel'), B, IMAGE, IMAGE, C0, C1);
  paramView(grads, 'conv2d/kernel').set(g1.dk);
  paramView(grads, 'conv2d/bias').set(g1.db);
  return grads;
}

/** Forward + loss + backward without updating: {loss, correct, probs, grads, fwd}. */
export function modelLossAndGrads(
  params: ArrayLike<number>,
  images: ArrayLike<number>,
  labels: ArrayLike<number>,
  masks: DropoutMasks | null,
  rates: DropoutRates = DROPOUT_RATES,
): { loss: number; correct: number; probs: Float64Array; grads: Float64Array; fwd: ModelForward } {
  const fwd = modelForward(params, images, masks, rates);
  const ce = softmaxCrossEntropy(fwd.logits, labels, fwd.B, CLASSES);
  const grads = modelBackward(params, fwd, ce.dlogits, masks, rates);
  return { loss: ce.loss, correct: ce.correct, probs: ce.probs, grads, fwd };
}

export type OptimizerOptions = ({ kind?: 'adam' } & AdamOptions) | ({ kind: 'sgd' } & SgdOptions);

/**
 * One whole training step, in place on `params` (Float64Array, flat layout): forward, loss,
 * backward, optimizer. Adam uses m and v with 1-based step `t`; SGD uses `m` as its
 * velocity and ignores v and t. Returns the loss (mean over the batch), the number of
 * correct predictions and the gradient that was applied.
 */
export function trainStep(
  params: Float64Array,
  m: Float64Array,
  v: Float64Array,
  t: number,
  images: ArrayLike<number>,
  labels: ArrayLike<number>,
  masks: DropoutMasks | null,
  rates: DropoutRates = DROPOUT_RATES,
  opt: OptimizerOptions = {},
): { loss: number; correct: number; grads: Float64Array } {
  const { loss, correct, grads } = modelLossAndGrads(params, images, labels, masks, rates);
  if (opt.kind === 'sgd') sgdMomentumStep(params, grads, m, opt);
  else adamStep(params, grads, m, v, t, opt);
  return { loss, correct, grads };
}

/** Random keep masks for a batch of B (kept with probability 1 - rate), for tests. */
export function randomMasks(rng: Rng, B: number, rates: DropoutRates = DROPOUT_RATES): DropoutMasks {
  const make = (n: number, rate: number): Uint8Array => {
    const m = new Uint8Array(n);
    for (let i = 0; i < n; i++) m[i] = rng.nextFloat() >= rate ? 1 : 0;
    return m;
  };
  return { d1: make(B * P1 * P1 * C1, rates[0]), d2: make(B * P2 * P2 * C2, rates[1]), d3: make(B * HIDDEN, rates[2]) };
}
