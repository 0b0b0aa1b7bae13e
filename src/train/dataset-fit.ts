// Whether a model can take a dataset: the images' shape (H, W, C) must be the model's input and
// the classes its output units. GPU-free and browser-safe: the CLI checks before any GPU work,
// the trainer again when it is built, the page before it offers Train (one wording for all).
import { listNames, shapeText, type DatasetDescription } from '../data/image-dataset.ts';
import type { LayerInfo, ModelInfo } from '../model/model-info.ts';

/** The layer whose units are the model's classes: the last Dense layer (a final Activation has none of its own), else the last layer. */
function outputLayer(model: ModelInfo): LayerInfo {
  return [...model.layers].reverse().find((l) => l.spec.type === 'Dense') ?? model.layers[model.layers.length - 1];
}

/**
 * Why the model cannot take the dataset (null when it can): its images must have the model's
 * input shape (H, W, C), and its classes must be the model's output units. One line naming both
 * (and the output layer).
 */
export function datasetModelProblem(d: Pick<DatasetDescription, 'imageShape' | 'classNames'> & { name?: string }, model: ModelInfo): string | null {
  const named = d.name ? ` (${d.name})` : '';
  if (shapeText(d.imageShape) !== shapeText(model.inputShape)) {
    return (
      `the model's input is ${shapeText(model.inputShape)} (height x width x channels), the dataset's images are ${shapeText(d.imageShape)}${named}: ` +
      `its InputLayer's batch_shape must be [null, ${d.imageShape.join(', ')}]`
    );
  }
  const classes = d.classNames.length;
  if (model.classes !== classes) {
    const layer = outputLayer(model);
    return `the model's output layer ${layer.spec.name} (${layer.spec.type}) has ${model.classes} units, the dataset ${classes} classes ${listNames(d.classNames)}${named}: give it ${classes} units`;
  }
  return null;
}

