// The float64 reference of every layer type, in one record checked against the model's layer
// types (src/model/layers/index.ts): a type without a reference is a compile error. Each entry
// chains the layer's own reference (checked against finite differences in its own test) for a
// forward and a backward over a batch; test/reference/sequential.ts composes them into models.
import type { LayerInfo } from '../../src/model/model-info.ts';
import { isTrainable, type LayerSpec, type LayerTypeName } from '../../src/model/layers/index.ts';
import type { ElementwiseActivation } from '../../src/model/activations.ts';
import { conv2dGeneralBackward, conv2dGeneralForward, type ConvGeneralShape } from './conv2d-general.ts';
import { denseActivationBackward, denseActivationForward } from './dense.ts';
import { pool2dBackward, pool2dForward, type Pool2dRefResult, type PoolShape, type PoolWindow } from './pool2d.ts';
import { globalAvgPoolBackward, globalAvgPoolForward } from './global-avg-pool.ts';
import { softmaxRowsBackward, softmaxRowsForward } from './activation-layer.ts';
import { activationBackward, activationForward } from './activation.ts';
import { batchNormBackward, batchNormInferenceBackward, batchNormInferenceForward, batchNormMovingUpdate, batchNormTrainingForward } from './batch-norm.ts';
import { dropoutBackward, dropoutForward, type DropoutMask } from './dropout.ts';
import { rescalingBackward, rescalingForward } from './rescaling.ts';

/** Training mode: the keep mask of each Dropout layer (by layer index) for this batch. */
export type DropoutMasksOf = (layer: LayerInfo, count: number) => DropoutMask;

/** One layer's reference forward: its output and what its backward needs (pooling arg-max). */
export interface LayerForward {
  y: Float64Array;
  cache?: Pool2dRefResult;
}

export interface ForwardArgs {
  /** The model's last layer (a softmax there is the loss's). */
  last: boolean;
  params: Float64Array;
  x: Float64Array;
  B: number;
  /** null: evaluation; else training (BatchNormalization's moving statistics in `params` updated in place). */
  masks: DropoutMasksOf | null;
}

export interface BackwardArgs extends ForwardArgs {
  fwd: LayerForward;
  dy: Float64Array;
  /** The model's flat gradient (table layout): the layer writes its weights' gradients here. */
  grads: Float64Array;
  /** `dy` is already dL/d the pre-activation of a Conv2D or Dense layer (a fusion's stored gradient). */
  preActivation: boolean;
}

/** A LayerInfo whose spec is of type K. */
export type LayerOf<K extends LayerTypeName> = LayerInfo & { spec: Extract<LayerSpec, { type: K }> };

export interface LayerReference<K extends LayerTypeName> {
  forward(l: LayerOf<K>, a: ForwardArgs): LayerForward;
  backward(l: LayerOf<K>, a: BackwardArgs): Float64Array;
}

export function weight(params: Float64Array, l: LayerInfo, name: string): Float64Array | null {
  const p = l.weights.find((w) => w.weight === name);
  return p ? params.subarray(p.offset, p.offset + p.size) : null;
}

export function must(a: Float64Array | null, what: string): Float64Array {
  if (!a) throw new Error(`missing weight ${what}`);
  return a;
}

/** Writes the gradient `g` of weight `name` of `l` into the model's flat gradient. */
function setGrad(grads: Float64Array, l: LayerInfo, name: string, g: Float64Array | null): void {
  const p = l.weights.find((w) => w.weight === name);
  if (p && g) grads.set(g, p.offset);
}

/** The activation a layer applies here: the final softmax is the loss's (identity). */
export function layerActivation(l: LayerInfo, last: boolean): ElementwiseActivation | 'softmax' {
  const a = l.spec.type === 'Dense' || l.spec.type === 'Activation' ? l.spec.options.activation : 'linear';
  return a === 'softmax' && last ? 'linear' : a;
}

const count = (l: LayerInfo) => l.outputShape.reduce((a, b) => a * b, 1);
const channelsOf = (l: LayerInfo) => l.inputShape[l.inputShape.length - 1];

function convShape(l: LayerOf<'Conv2D'>, B: number): ConvGeneralShape {
  const [H, W, Cin] = l.inputShape;
  const o = l.spec.options;
  return { B, H, W, Cin, Cout: o.filters, KH: o.kernelSize[0], KW: o.kernelSize[1], SH: o.strides[0], SW: o.strides[1], padding: o.padding };
}

function poolArgs(l: PoolingLayer, B: number): { s: PoolShape; w: PoolWindow; kind: 'max' | 'average' } {
  const [H, W, C] = l.inputShape;
  const o = l.spec.options;
  return {
    s: { B, H, W, C },
    w: { ph: o.poolSize[0], pw: o.poolSize[1], sh: o.strides[0], sw: o.strides[1], padding: o.padding },
    kind: l.spec.type === 'MaxPooling2D' ? 'max' : 'average',
  };
}

type PoolingLayer = LayerOf<'MaxPooling2D' | 'AveragePooling2D'>;

function poolingForward(l: PoolingLayer, { x, B }: ForwardArgs): LayerForward {
  const { s, w, kind } = poolArgs(l, B);
  const cache = pool2dForward(x, s, w, kind);
  return { y: cache.y, cache };
}

function poolingBackward(l: PoolingLayer, { dy, fwd, B }: BackwardArgs): Float64Array {
  const { s, w, kind } = poolArgs(l, B);
  return pool2dBackward(dy, fwd.cache!, s, w, kind);
}

export const LAYER_REFERENCES: { readonly [K in LayerTypeName]: LayerReference<K> } = {
  Conv2D: {
    forward: (l, { params, x, B }) => ({
      y: conv2dGeneralForward(x, must(weight(params, l, 'kernel'), 'kernel'), weight(params, l, 'bias'), convShape(l, B), l.spec.options.activation),
    }),
    backward(l, { params, x, fwd, dy, B, grads, preActivation }) {
      const act = preActivation ? 'linear' : l.spec.options.activation;
      const g = conv2dGeneralBackward(dy, x, must(weight(params, l, 'kernel'), 'kernel'), fwd.y, convShape(l, B), act, l.spec.options.useBias);
      setGrad(grads, l, 'kernel', g.dk);
      setGrad(grads, l, 'bias', g.db);
      return g.dx;
    },
  },
  Dense: {
    forward: (l, { last, params, x, B }) => ({
      y: denseActivationForward(x, must(weight(params, l, 'kernel'), 'kernel'), weight(params, l, 'bias'), B, l.inputShape[0], l.spec.options.units, layerActivation(l, last) as ElementwiseActivation),
    }),
    backward(l, { last, params, x, fwd, dy, B, grads, preActivation }) {
      const o = l.spec.options;
      const act = preActivation ? 'linear' : (layerActivation(l, last) as ElementwiseActivation);
      const g = denseActivationBackward(dy, x, must(weight(params, l, 'kernel'), 'kernel'), fwd.y, B, l.inputShape[0], o.units, act, o.useBias);
      setGrad(grads, l, 'kernel', g.dw);
      setGrad(grads, l, 'bias', g.db);
      return g.dx;
    },
  },
  MaxPooling2D: { forward: poolingForward, backward: poolingBackward },
  AveragePooling2D: { forward: poolingForward, backward: poolingBackward },
  GlobalAveragePooling2D: {
    forward: (l, { x, B }) => ({ y: globalAvgPoolForward(x, B, l.inputShape[0], l.inputShape[1], l.inputShape[2]) }),
    backward: (l, { dy, B }) => globalAvgPoolBackward(dy, B, l.inputShape[0], l.inputShape[1], l.inputShape[2]),
  },
  Flatten: {
    forward: (_l, { x }) => ({ y: x }),
    backward: (_l, { dy }) => dy,
  },
  Dropout: {
    forward: (l, { x, B, masks }) => ({ y: masks && l.spec.options.rate > 0 ? dropoutForward(x, masks(l, B * count(l)), l.spec.options.rate) : x }),
    backward: (l, { dy, B, masks }) => (masks && l.spec.options.rate > 0 ? dropoutBackward(dy, masks(l, B * count(l)), l.spec.options.rate) : dy),
  },
  Activation: {
    forward(l, { last, x, B }) {
      const a = layerActivation(l, last);
      return { y: a === 'softmax' ? softmaxRowsForward(x, B, count(l)) : activationForward(x, a) };
    },
    backward(l, { last, fwd, dy, B }) {
      const a = layerActivation(l, last);
      return a === 'softmax' ? softmaxRowsBackward(dy, fwd.y, B, count(l)) : activationBackward(dy, fwd.y, a);
    },
  },
  BatchNormalization: {
    forward(l, { params, x, B, masks }) {
      const C = channelsOf(l);
      const N = (B * count(l)) / C;
      const o = l.spec.options;
      const wts = { gamma: weight(params, l, 'gamma'), beta: weight(params, l, 'beta') };
      const mean = must(weight(params, l, 'moving_mean'), 'moving_mean');
      const variance = must(weight(params, l, 'moving_variance'), 'moving_variance');
      // Evaluation, and a frozen layer in training (Keras 3: inference mode, statistics kept).
      if (!masks || !isTrainable(l.spec)) return { y: batchNormInferenceForward(x, N, C, wts, mean, variance, o.epsilon) };
      const t = batchNormTrainingForward(x, N, C, wts, o.epsilon);
      mean.set(batchNormMovingUpdate(mean, t.mean, o.momentum));
      variance.set(batchNormMovingUpdate(variance, t.variance, o.momentum));
      return { y: t.y };
    },
    backward(l, { params, x, dy, B, grads }) {
      const C = channelsOf(l);
      if (!isTrainable(l.spec)) {
        const variance = must(weight(params, l, 'moving_variance'), 'moving_variance');
        return batchNormInferenceBackward(dy, (B * count(l)) / C, C, weight(params, l, 'gamma'), variance, l.spec.options.epsilon);
      }
      const g = batchNormBackward(dy, x, (B * count(l)) / C, C, weight(params, l, 'gamma'), l.spec.options.epsilon);
      setGrad(grads, l, 'gamma', g.dgamma);
      setGrad(grads, l, 'beta', g.dbeta);
      return g.dx;
    },
  },
  Rescaling: {
    forward: (l, { x }) => ({ y: rescalingForward(x, l.spec.options.scale, l.spec.options.offset) }),
    backward: (l, { dy }) => rescalingBackward(dy, l.spec.options.scale),
  },
};

/** The reference of `l`'s type. */
export function referenceOf(l: LayerInfo): LayerReference<LayerTypeName> {
  return LAYER_REFERENCES[l.spec.type] as LayerReference<LayerTypeName>;
}
