// Weights of a model.json whose layer names differ from the model's are bound by order, layer
// type by layer type, by the weights each type declares: a Conv2D's kernel, BatchNormalization's
// gamma, beta, moving mean and variance, a Dense's kernel and bias; the file's layer types come
// from its topology, else from the layer names, else from the weights' ranks.
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { exportModel, readModel } from '../../src/io/tfjs-model.ts';

const L = (class_name: string, config: Record<string, unknown> = {}) => ({ class_name, config });
const MODEL = modelInfo(
  parseModelConfig({
    class_name: 'Sequential',
    config: {
      layers: [
        L('InputLayer', { batch_shape: [null, 6, 6, 1] }),
        L('Rescaling', { scale: 1 / 255 }),
        L('Conv2D', { filters: 2, kernel_size: 3, use_bias: false }),
        L('BatchNormalization'),
        L('Flatten'),
        L('Dense', { units: 10, activation: 'softmax' }),
      ],
    },
  }),
);

/** Every weight of the table, as arrays (the padding between them aside). */
const weightsOf = (flat: Float32Array) => MODEL.params.entries.map((p) => Array.from(flat.subarray(p.offset, p.offset + p.size)));

/** The model's weights as a file with each layer renamed by `rename` (in the manifest and, if kept, the topology). */
function renamedFile(rename: Record<string, string>, keepTopology: boolean) {
  const flat = Float32Array.from({ length: MODEL.params.length }, (_, i) => i + 1);
  const { modelJson, weightsBin } = exportModel(MODEL, flat);
  const json = JSON.parse(JSON.stringify(modelJson));
  for (const w of json.weightsManifest[0].weights) {
    const [layer, weight] = w.name.split('/');
    w.name = `${rename[layer] ?? layer}/${weight}`;
  }
  if (keepTopology) for (const l of json.modelTopology.config.layers) l.config.name = rename[l.config.name] ?? l.config.name;
  else delete json.modelTopology;
  return { json, weightsBin, flat };
}

describe('binding renamed weights by order', () => {
  it('by the topology: classes name the types; every declared weight lands', () => {
    const { json, weightsBin, flat } = renamedFile({ conv2d: 'c_a', batch_normalization: 'n_b', dense: 'd_c' }, true);
    const r = readModel(json, weightsBin, { model: MODEL });
    expect(weightsOf(r.params)).toEqual(weightsOf(flat));
    expect(r.renamed.map((x) => x.to)).toEqual([
      'conv2d/kernel',
      'batch_normalization/gamma',
      'batch_normalization/beta',
      'batch_normalization/moving_mean',
      'batch_normalization/moving_variance',
      'dense/kernel',
      'dense/bias',
    ]);
  });

  it('without a topology: by the layer names, else by the weight ranks', () => {
    const byName = renamedFile({ conv2d: 'conv2d_4', batch_normalization: 'batch_normalization_9', dense: 'dense_2' }, false);
    expect(weightsOf(readModel(byName.json, byName.weightsBin, { model: MODEL }).params)).toEqual(weightsOf(byName.flat));
    // x has a rank-4 kernel (Conv2D's), z a rank-2 one (Dense's); y's gamma only BatchNormalization declares.
    const byRank = renamedFile({ conv2d: 'x', batch_normalization: 'y', dense: 'z' }, false);
    expect(weightsOf(readModel(byRank.json, byRank.weightsBin, { model: MODEL }).params)).toEqual(weightsOf(byRank.flat));
  });

  it('a missing layer of a type is named with what the file has', () => {
    const { json, weightsBin } = renamedFile({ conv2d: 'c_a', batch_normalization: 'n_b', dense: 'd_c' }, true);
    json.weightsManifest[0].weights = json.weightsManifest[0].weights.filter((w: { name: string }) => !w.name.startsWith('n_b/'));
    let problems: readonly string[] = [];
    try {
      readModel(json, weightsBin, { model: MODEL });
    } catch (e) {
      problems = (e as { problems?: readonly string[] }).problems ?? [];
    }
    // The one-line message shows the first few problems; the whole list is kept on the error.
    expect(problems.some((p) => /expected 1 BatchNormalization layers \(batch_normalization\), the file has 0/.test(p))).toBe(true);
  });
});
