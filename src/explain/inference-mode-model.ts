// The model as an explanation's backward pass sees it: the evaluation forward (no dropout,
// BatchNormalization on its moving statistics, random augmentation the identity) with every
// layer's gradient defined. A training plan built over it (src/explain/explainer.ts) runs the
// inference forward and the backward of inference mode: Dropout at rate 0 is the identity,
// a frozen BatchNormalization normalises with the moving statistics and back-propagates
// dx = gamma * dy / sqrt(moving_variance + eps), and an augmentation layer becomes a linear
// Activation (no dispatch, its gradient passed through). Shapes, names and the parameter
// table stay the model's.
import type { LayerInfo, ModelInfo } from '../model/model-info.ts';
import type { LayerSpec } from '../model/layers/index.ts';
import { isAugmentation } from '../model/layers/random-augmentation.ts';

function inferenceSpec(spec: LayerSpec): LayerSpec {
  if (spec.type === 'Dropout') return { ...spec, options: { ...spec.options, rate: 0 } };
  if (spec.type === 'BatchNormalization') return { ...spec, trainable: false };
  if (isAugmentation(spec)) return { type: 'Activation', name: spec.name, options: { activation: 'linear' } };
  return spec;
}

/** `model` with each layer as it computes in evaluation, its backward defined (see the header). */
export function inferenceModeModel(model: ModelInfo): ModelInfo {
  const layers = model.layers.map((l): LayerInfo => ({ ...l, spec: inferenceSpec(l.spec) }));
  return { ...model, layers };
}
