// Shape inference: a ModelSpec's every layer with its input and output shapes and its weights
// in the parameter table. Everything sized by the model (buffers, dispatches, the summary,
// the reference, the bench's costs, the weight files) reads it from here.
import { isTrainable, layerType, type LayerSpec, type Shape } from './layers/index.ts';
import { ParamTable, type ParamSpec } from './param-table.ts';
import type { ModelSpec } from './model-spec.ts';

export interface LayerInfo {
  readonly index: number;
  readonly spec: LayerSpec;
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  /** The layer's tensors in the parameter table, in Keras's order. */
  readonly weights: readonly ParamSpec[];
  /** Number of parameters (trainable and not). */
  readonly paramCount: number;
}

export interface ModelInfo {
  readonly spec: ModelSpec;
  /** (H, W, C) of one input image. */
  readonly inputShape: readonly [number, number, number];
  /** H * W * C. */
  readonly inputSize: number;
  readonly layers: readonly LayerInfo[];
  readonly params: ParamTable;
  /** Size of the final softmax (number of classes). */
  readonly classes: number;
}

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Infers every shape and the parameter table (throws ModelSpecError naming the layer where a shape collapses). */
export function modelInfo(spec: ModelSpec): ModelInfo {
  let shape: Shape = spec.inputShape;
  const staged = spec.layers.map((l, index) => {
    const type = layerType(l);
    const at = { index, name: l.name, type: l.type };
    const outputShape = type.outputShape(shape, l.options, at);
    const weights = type.weights(shape, l.options);
    const info = { index, spec: l, inputShape: shape, outputShape, weightSpecs: weights };
    shape = outputShape;
    return info;
  });
  // A frozen layer's weights are all non-trainable, as Keras counts them (model.trainable_weights).
  const params = new ParamTable(
    staged.flatMap((s) => s.weightSpecs.map((w) => ({ layer: s.spec.name, weight: w.name, shape: w.shape, trainable: w.trainable && isTrainable(s.spec), init: w.init }))),
  );
  const layers = staged.map(({ weightSpecs, ...s }): LayerInfo => {
    const weights = weightSpecs.map((w) => params.get(`${s.spec.name}/${w.name}`));
    return { ...s, weights, paramCount: weights.reduce((a, p) => a + p.size, 0) };
  });
  return {
    spec,
    inputShape: spec.inputShape,
    inputSize: shapeSize(spec.inputShape),
    layers,
    params,
    classes: shapeSize(shape),
  };
}
