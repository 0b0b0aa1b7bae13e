// The builders of single layers: each returns the layer's segment, or undefined where the
// configuration is not one its kernels handle (the next builder of the type is then tried).
// src/layers/gpu-layers.ts lists them per Keras type, special cases (the seed's 3x3 ReLU
// convolution) before the general ones. A new layer type's builder lives in its own home.
import type { LayerInfo } from '../model/model-info.ts';
import { isTrainable } from '../model/layers/index.ts';
import type { Dispatch } from '../gpu/kernel.ts';
import { identitySegment, outputCount, type Segment, type SegmentIo, type SingleLayerBuilder } from './segment-types.ts';
import type { GpuContext, LayerPlan } from './types.ts';
import { createConv2d, type Conv2dConfig } from './conv2d.ts';
import { createDense, type DenseConfig } from './dense.ts';
import { createDropout } from './dropout.ts';
import { createMaxPool } from './maxpool.ts';
import { createPool2d } from './pool2d.ts';
import { createGlobalAvgPool } from './global-avg-pool.ts';
import { createActivation } from './activation.ts';
import { createBatchNorm } from './batch-norm.ts';
import { createConv2dGeneral, type Conv2dGeneralConfig } from './conv2d-general.ts';
import { fastConvSupports } from './conv2d-kernels.ts';

/** A Conv2D the seed's fast 3x3 kernels compute (their home states where: fastConvSupports). */
export function isFastConv(l: LayerInfo | undefined): boolean {
  return l?.spec.type === 'Conv2D' && fastConvSupports(generalConvConfig(l, 1, true)) === true;
}

function offset(l: LayerInfo, weight: string): number {
  const p = l.weights.find((w) => w.weight === weight);
  if (!p) throw new Error(`${l.spec.name} has no ${weight}`);
  return p.offset;
}

/** The offset of a weight the layer may not have (a bias with use_bias false, BatchNormalization's beta with center false). */
function optionalOffset(l: LayerInfo, weight: string): number | undefined {
  return l.weights.find((w) => w.weight === weight)?.offset;
}

export function convConfig(l: LayerInfo, batch: number, inferenceOnly: boolean): Conv2dConfig {
  const [height, width, inChannels] = l.inputShape;
  return {
    name: l.spec.name, batch, height, width, inChannels, outChannels: l.outputShape[2],
    kernelOffset: offset(l, 'kernel'), biasOffset: offset(l, 'bias'), inferenceOnly,
  };
}

export function denseConfig(l: LayerInfo, batch: number, inferenceOnly: boolean): DenseConfig {
  if (l.spec.type !== 'Dense') throw new Error(`${l.spec.name} is not a Dense layer`);
  const { activation, useBias, units } = l.spec.options;
  return {
    name: l.spec.name, batch, inFeatures: l.inputShape[0], outFeatures: units,
    // A softmax (the last layer's) is the loss's: the layer writes logits.
    activation: activation === 'softmax' ? 'linear' : activation,
    useBias, weightOffset: offset(l, 'kernel'), biasOffset: optionalOffset(l, 'bias'), inferenceOnly,
  };
}

/** A segment of one layer built by `create` (training: forward and backward; evaluation: inference). */
export function layerSegment(
  layer: LayerInfo,
  training: boolean,
  create: (ctx: GpuContext, io: SegmentIo) => LayerPlan & { inference?: Dispatch[] },
): Segment {
  return {
    layers: [layer],
    identity: false,
    build(ctx, io) {
      const p = create(ctx, io);
      const forward = training ? p.forward : (p.inference ?? p.forward);
      return { parts: [{ name: layer.spec.name, forward, backward: training ? p.backward : [] }], destroy: () => p.destroy() };
    },
  };
}

export const fastConv: SingleLayerBuilder = (l, pc) =>
  isFastConv(l)
    ? layerSegment(l, pc.training, (ctx, io) =>
        createConv2d(ctx, convConfig(l, io.batch, !pc.training), {
          input: io.input, output: io.output, params: io.params, grads: io.grads, outputGrad: io.outputGrad, inputGrad: io.inputGrad,
          batchSize: io.batchSize,
        }, { kernels: pc.kernels }),
      )
    : undefined;

/** The general Conv2D layer's configuration of a Conv2D layer. */
function generalConvConfig(l: LayerInfo, batch: number, inferenceOnly: boolean): Conv2dGeneralConfig {
  if (l.spec.type !== 'Conv2D') throw new Error(`${l.spec.name} is not a Conv2D layer`);
  const o = l.spec.options;
  const [inHeight, inWidth, inChannels] = l.inputShape;
  return {
    name: l.spec.name, batch, inHeight, inWidth, inChannels, outChannels: o.filters,
    kernelHeight: o.kernelSize[0], kernelWidth: o.kernelSize[1], strideHeight: o.strides[0], strideWidth: o.strides[1],
    padding: o.padding, useBias: o.useBias, activation: o.activation,
    kernelOffset: offset(l, 'kernel'), biasOffset: optionalOffset(l, 'bias') ?? 0, inferenceOnly,
  };
}

/** Conv2D of any kernel, stride, padding, bias and activation. */
export const generalConv: SingleLayerBuilder = (l, pc) => {
  if (l.spec.type !== 'Conv2D') return undefined;
  return layerSegment(l, pc.training, (ctx, io) =>
    createConv2dGeneral(ctx, generalConvConfig(l, io.batch, !pc.training), {
      input: io.input, output: io.output, params: io.params, grads: io.grads, outputGrad: io.outputGrad, inputGrad: io.inputGrad,
      batchSize: io.batchSize,
    }, { kernels: pc.kernels }),
  );
};

/** Dense with any elementwise activation, with or without bias (a final softmax is the loss's: the layer writes logits). */
export const dense: SingleLayerBuilder = (l, pc) => {
  if (l.spec.type !== 'Dense') return undefined;
  if (l.spec.options.activation === 'softmax' && !pc.isLast(l)) return undefined;
  return layerSegment(l, pc.training, (ctx, io) =>
    createDense(ctx, denseConfig(l, io.batch, !pc.training), {
      input: io.input, output: io.output, params: io.params, grads: io.grads, outputGrad: io.outputGrad, inputGrad: io.inputGrad,
      batchSize: io.batchSize,
    }, { kernels: pc.kernels }),
  );
};

export const floorMaxPool2x2: SingleLayerBuilder = (l, pc) => {
  if (l.spec.type !== 'MaxPooling2D') return undefined;
  const o = l.spec.options;
  if (o.padding !== 'valid' || o.poolSize.join() !== '2,2' || o.strides.join() !== '2,2') return undefined;
  const [height, width, channels] = l.inputShape;
  return layerSegment(l, pc.training, (ctx, io) =>
    createMaxPool(
      ctx,
      { name: l.spec.name, batch: io.batch, height, width, channels, inferenceOnly: !pc.training || !io.inputGrad },
      { input: io.input, output: io.output, outputGrad: io.outputGrad, inputGrad: io.inputGrad, batchSize: io.batchSize },
    ),
  );
};

/** Inverted dropout in training; the identity in evaluation and at rate 0. */
export const dropout: SingleLayerBuilder = (l, pc) => {
  if (l.spec.type !== 'Dropout') return undefined;
  const rate = l.spec.options.rate;
  if (!pc.training || rate === 0) return identitySegment(l);
  return layerSegment(l, true, (ctx, io) => {
    const d = createDropout(
      ctx,
      { name: l.spec.name, batch: io.batch, count: outputCount(l), rate, layerId: pc.dropoutId(l) },
      // Without an input gradient (nothing before it has weights) the backward is not needed: its
      // kernel is bound to the output buffer but never dispatched.
      { input: io.input, output: io.output, outputGrad: io.outputGrad!, inputGrad: io.inputGrad ?? io.output, state: io.state, batchSize: io.batchSize },
    );
    return { ...d, backward: io.inputGrad ? d.backward : [] };
  });
};

/** MaxPooling2D and AveragePooling2D of any window, stride and padding. */
export const pool2d: SingleLayerBuilder = (l, pc) => {
  if (l.spec.type !== 'MaxPooling2D' && l.spec.type !== 'AveragePooling2D') return undefined;
  const o = l.spec.options;
  const [height, width, channels] = l.inputShape;
  const kind = l.spec.type === 'MaxPooling2D' ? 'max' : 'average';
  return layerSegment(l, pc.training, (ctx, io) =>
    createPool2d(
      ctx,
      {
        name: l.spec.name, batch: io.batch, height, width, channels, kind, padding: o.padding,
        poolHeight: o.poolSize[0], poolWidth: o.poolSize[1], strideHeight: o.strides[0], strideWidth: o.strides[1],
        inferenceOnly: !pc.training || !io.inputGrad,
      },
      { input: io.input, output: io.output, outputGrad: io.outputGrad, inputGrad: io.inputGrad, batchSize: io.batchSize },
    ),
  );
};

export const globalAveragePooling: SingleLayerBuilder = (l, pc) => {
  const [height, width, channels] = l.inputShape;
  return layerSegment(l, pc.training, (ctx, io) =>
    createGlobalAvgPool(
      ctx,
      { name: l.spec.name, batch: io.batch, height, width, channels, inferenceOnly: !pc.training || !io.inputGrad },
      { input: io.input, output: io.output, outputGrad: io.outputGrad, inputGrad: io.inputGrad, batchSize: io.batchSize },
    ),
  );
};

/** Activation: relu, sigmoid, tanh, and softmax that is not the model's last layer. */
export const activation: SingleLayerBuilder = (l, pc) => {
  if (l.spec.type !== 'Activation') return undefined;
  const a = l.spec.options.activation;
  return layerSegment(l, pc.training, (ctx, io) =>
    createActivation(
      ctx,
      { name: l.spec.name, batch: io.batch, count: outputCount(l), activation: a, inferenceOnly: !pc.training || !io.inputGrad },
      { input: io.input, output: io.output, outputGrad: io.outputGrad, inputGrad: io.inputGrad, batchSize: io.batchSize },
    ),
  );
};

/**
 * BatchNormalization over the channel axis: batch statistics in training (updating the moving
 * ones), moving statistics in evaluation and, for a frozen layer, in training too (Keras 3).
 */
export const batchNorm: SingleLayerBuilder = (l, pc) => {
  if (l.spec.type !== 'BatchNormalization') return undefined;
  const o = l.spec.options;
  const channels = l.inputShape[l.inputShape.length - 1];
  return layerSegment(l, pc.training, (ctx, io) =>
    createBatchNorm(
      ctx,
      {
        name: l.spec.name, batch: io.batch, rows: outputCount(l) / channels, channels,
        momentum: o.momentum, epsilon: o.epsilon, center: o.center, scale: o.scale,
        gammaOffset: optionalOffset(l, 'gamma'), betaOffset: optionalOffset(l, 'beta'),
        movingMeanOffset: offset(l, 'moving_mean'), movingVarianceOffset: offset(l, 'moving_variance'),
        inferenceOnly: !pc.training, frozen: !isTrainable(l.spec),
      },
      { input: io.input, output: io.output, params: io.params, grads: io.grads, outputGrad: io.outputGrad, inputGrad: io.inputGrad, batchSize: io.batchSize },
    ),
  );
};

export const passThrough: SingleLayerBuilder = (l) => identitySegment(l);

/** Activation: linear, and the final softmax (the loss's), compute nothing. */
export const identityActivation: SingleLayerBuilder = (l, pc) => {
  if (l.spec.type !== 'Activation') return undefined;
  const a = l.spec.options.activation;
  return a === 'linear' || (a === 'softmax' && pc.isLast(l)) ? identitySegment(l) : undefined;
};
