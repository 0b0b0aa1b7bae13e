// TensorFlow.js (tfjs-layers 4.22, cpu backend), an implementation of Keras's layers of its own,
// agrees with this project on frozen layers: it loads the trainable flags our model.json writes
// and counts the same trainable weights, and we read the flags of a model it built and saved.
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportModel, readModel } from '../../src/io/tfjs-model.ts';
import { initParams } from '../../src/model/index.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { loadIntoTfjs, saveWithTfjs, useCpuBackend } from './tfjs-io.ts';

/** Elements of each weight list TF.js keeps. */
const elements = (weights: { shape: (number | null)[] }[]) => weights.reduce((a, w) => a + w.shape.reduce<number>((x, y) => x * (y ?? 1), 1), 0);

describe('frozen layers and TensorFlow.js', () => {
  beforeAll(useCpuBackend);

  it('tf.loadLayersModel reads our trainable flags and counts the trainable weights we count', async () => {
    const L = (class_name: string, config: Record<string, unknown>) => ({ class_name, config });
    const model = modelInfo(parseModelConfig({
      class_name: 'Sequential',
      config: {
        name: 'frozen',
        layers: [
          L('InputLayer', { batch_shape: [null, 8, 8, 1] }),
          L('Conv2D', { name: 'conv2d', filters: 3, kernel_size: 3, activation: 'relu', trainable: false }),
          L('BatchNormalization', { name: 'batch_normalization', trainable: false }),
          L('Flatten', { name: 'flatten' }),
          L('Dense', { name: 'dense', units: 6, activation: 'relu' }),
          L('Dense', { name: 'dense_1', units: 10, activation: 'softmax', trainable: false }),
        ],
      },
    }));
    const { modelJson, weightsBin } = exportModel(model, initParams(model.params, 3));
    const tf = await loadIntoTfjs(JSON.parse(JSON.stringify(modelJson)), weightsBin);
    expect(tf.layers.map((l) => [l.name, l.trainable])).toEqual([['conv2d', false], ['batch_normalization', false], ['flatten', true], ['dense', true], ['dense_1', false]]);
    expect(tf.countParams()).toBe(model.params.count);
    expect(elements(tf.trainableWeights)).toBe(model.params.trainableCount);
    expect(elements(tf.nonTrainableWeights)).toBe(model.params.count - model.params.trainableCount);
    tf.dispose();
  });

  it('readModel reads the flags of a model TensorFlow.js built with a frozen layer and saved', async () => {
    const tf = tfl.sequential();
    tf.add(tfl.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1], trainable: false }));
    tf.add(tfl.layers.flatten());
    tf.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
    const saved = await saveWithTfjs(tf);
    const r = readModel(saved.modelJson, new Map([[saved.weightsPath, saved.weightsBin]]));
    expect(r.model.spec.layers.map((l) => l.trainable !== false)).toEqual([false, true, true]);
    expect(r.model.params.trainableCount).toBe(elements(tf.trainableWeights));
    tf.dispose();
  });
});
