// Which tensor the "map of what the network learned" reads: the input of the model's last
// Dense layer (the penultimate layer's output, the features the classifier separates), its
// shape and what the page calls it. The GPU reads it from an evaluation plan's activations
// (GpuModel.penultimate); the map projects it to 2-D (projection.ts).
import { shapeSize, type ModelInfo } from '../model/model-info.ts';

export interface PenultimateLayer {
  /** The last Dense layer, whose input this is. */
  dense: string;
  /** The layer whose output it is (undefined: the model's input). */
  source?: string;
  /** Its shape without the batch (channels-last; a Flatten's input keeps its (h, w, c)). */
  shape: readonly number[];
  /** Values per image (the shape's size). */
  width: number;
}

export function penultimateLayer(model: ModelInfo): PenultimateLayer {
  let at = -1;
  model.layers.forEach((l, i) => {
    if (l.spec.type === 'Dense') at = i;
  });
  if (at < 0) throw new Error(`the model "${model.spec.name}" has no Dense layer: the map reads the input of the last one`);
  const dense = model.layers[at];
  return { dense: dense.spec.name, source: at > 0 ? model.layers[at - 1].spec.name : undefined, shape: dense.inputShape, width: shapeSize(dense.inputShape) };
}

/** "the input of dense_1 (128 values: the output of dropout_1)" */
export function describePenultimate(p: PenultimateLayer): string {
  const shape = p.shape.length > 1 ? `${p.shape.join('×')} = ${p.width} values` : `${p.width} values`;
  return `the input of ${p.dense} (${shape}: the output of ${p.source ?? 'the model’s input'})`;
}
