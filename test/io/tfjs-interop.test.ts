// Proves that TensorFlow.js itself (tfjs-layers 4.22, cpu backend) loads what exportModel
// writes, computes the same function as our float64 reference, and that importModel reads
// what TensorFlow.js saves.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportModel, readModel } from '../../src/io/tfjs-model.ts';
import { initParams, Rng } from '../../src/model/index.ts';
import { PARAMS } from '../model/seed-params.ts';
import { modelForward } from '../reference/model.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';
import { dropoutRates } from '../../src/model/model-spec.ts';
import { loadIntoTfjs, saveWithTfjs } from './tfjs-io.ts';

const B = 3;

function randomImages(seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: B * 784 }, () => (rng.nextFloat() < 0.7 ? 0 : rng.nextFloat()));
}

function softmax(logits: Float64Array): Float64Array {
  const out = new Float64Array(logits.length);
  for (let b = 0; b < logits.length / 10; b++) {
    const row = logits.subarray(b * 10, b * 10 + 10);
    const m = Math.max(...row);
    let s = 0;
    for (let k = 0; k < 10; k++) s += Math.exp(row[k] - m);
    for (let k = 0; k < 10; k++) out[b * 10 + k] = Math.exp(row[k] - m) / s;
  }
  return out;
}

function params(seed: number): Float32Array {
  const flat = initParams(DEFAULT_MODEL.params, seed);
  const rng = new Rng(seed + 100);
  for (const p of PARAMS) if (p.name.endsWith('/bias')) for (let i = 0; i < p.size; i++) flat[p.offset + i] = (rng.nextFloat() - 0.5) * 0.2;
  return flat;
}

async function predict(model: tfl.LayersModel, images: Float32Array): Promise<Float32Array> {
  const x = tf.tensor4d(images, [B, 28, 28, 1]);
  const y = model.predict(x) as tf.Tensor;
  const data = (await y.data()) as Float32Array;
  x.dispose();
  y.dispose();
  return data;
}

describe('TensorFlow.js interop', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  it('tf.loadLayersModel accepts our export and computes what the reference computes', async () => {
    const flat = params(11);
    const { modelJson, weightsBin } = exportModel(DEFAULT_MODEL, flat);
    const model = await loadIntoTfjs(JSON.parse(JSON.stringify(modelJson)), weightsBin);
    expect(model.layers.map((l) => l.name)).toEqual([
      'conv2d', 'max_pooling2d', 'dropout', 'conv2d_1', 'max_pooling2d_1', 'dropout_1', 'flatten', 'dense', 'dropout_2', 'dense_1',
    ]);
    expect(model.countParams()).toBe(225_034);
    const images = randomImages(5);
    const got = await predict(model, images);
    const want = softmax(modelForward(flat, images, null).logits);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    model.dispose();
  });

  it('importModel reads a model that TensorFlow.js built and saved', async () => {
    const model = tfl.sequential();
    model.add(tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], biasInitializer: 'randomUniform' }));
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tfl.layers.dropout({ rate: 0.3 }));
    model.add(tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', biasInitializer: 'randomUniform' }));
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tfl.layers.dropout({ rate: 0.3 }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: 128, activation: 'relu', biasInitializer: 'randomUniform' }));
    model.add(tfl.layers.dropout({ rate: 0.4 }));
    model.add(tfl.layers.dense({ units: 10, activation: 'softmax', biasInitializer: 'randomUniform' }));

    const saved = await saveWithTfjs(model, 'model.weights.bin');
    const r = readModel(saved.modelJson, new Map([[saved.weightsPath, saved.weightsBin]]));
    // tfjs names its layers conv2d_Conv2D1, dense_Dense2, ...: the model read is the file's own.
    expect(r.renamed.length).toBe(0);
    expect(r.model.params.entries.map((p) => p.name)[0]).toMatch(/^conv2d_Conv2D\d+\/kernel$/);
    expect(dropoutRates(r.model.spec)).toEqual([0.3, 0.3, 0.4]);
    const images = randomImages(9);
    const want = await predict(model, images);
    const got = softmax(modelForward(r.params, images, null).logits);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    model.dispose();
  });
});
