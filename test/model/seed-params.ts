/**
 * The default model's parameter table (the seed's network, models/mnist-cnn.json), for the
 * tests that are about that network alone. The project reads the table of the model it runs
 * (ModelInfo.params, src/model/param-table.ts).
 */
import { DEFAULT_MODEL } from '../../src/model/presets.ts';
export { PARAM_ALIGN, ParamTable, type ParamSpec } from '../../src/model/param-table.ts';

/** The default model's tensors, in Keras's `model.weights` order. */
export const PARAMS = DEFAULT_MODEL.params.entries;
/** Number of the default model's parameters: 225,034. */
export const PARAM_COUNT: number = DEFAULT_MODEL.params.count;
/** Length in floats of the default model's flat (padded) parameter buffer. */
export const PARAM_BUFFER_LENGTH: number = DEFAULT_MODEL.params.length;

export function paramSpec(name: string) {
  return DEFAULT_MODEL.params.get(name);
}

export function paramView<T extends Float32Array | Float64Array>(flat: T, name: string): T {
  return DEFAULT_MODEL.params.view(flat, name);
}
