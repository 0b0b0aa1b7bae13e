// Whether two model specs are the same network for the same weights: the input shape and, layer
// by layer, the type and options. What may differ: the layers' names (a TF.js file names them its
// own way), which layers are frozen (trainable false: fine-tuning freezes layers of a trained
// model) and Dropout rates (--dropout sets them anyway).
import type { LayerSpec } from './layers/index.ts';
import type { ModelSpec } from './model-spec.ts';

/** The options that make the network, as JSON with sorted keys: a Dropout rate does not. */
function networkOptions(l: LayerSpec): string {
  const options: object = l.type === 'Dropout' ? {} : l.options;
  return JSON.stringify(Object.fromEntries(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : 1))));
}

/**
 * The first difference between `a` and `b` as a phrase naming the layer ("layer 3 "dense"
 * (Dense): options {...} against {...}"), or null when they are the same network.
 */
export function networkDifference(a: ModelSpec, b: ModelSpec): string | null {
  if (a.inputShape.join() !== b.inputShape.join()) return `input (${a.inputShape.join(', ')}) against (${b.inputShape.join(', ')})`;
  if (a.layers.length !== b.layers.length) return `${a.layers.length} layers against ${b.layers.length}`;
  for (let i = 0; i < a.layers.length; i++) {
    const [x, y] = [a.layers[i], b.layers[i]];
    const at = `layer ${i} "${x.name}"`;
    if (x.type !== y.type) return `${at}: ${x.type} against ${y.type}`;
    if (networkOptions(x) !== networkOptions(y)) return `${at} (${x.type}): options ${networkOptions(x)} against ${networkOptions(y)}`;
  }
  return null;
}
