// The explainer (src/explain/explainer.ts) on the GPU against two independent references:
// - the float64 layer references (test/reference/sequential.ts) chained in evaluation mode:
//   every layer's output, d(logit)/d(input) and Grad-CAM (alpha from dL/d the conv's output),
//   on a small model with augmentation, Rescaling, BatchNormalization, Dropout and pooling;
// - TensorFlow.js (cpu backend, float32) loading our weights: tf.grad of the pre-softmax score
//   with respect to the input, on the seed network and the strided-bn preset.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Explainer, modelInput, type Explanation } from '../../src/explain/explainer.ts';
import { ExplainService } from '../../src/ui/explain-service.ts';
import type { InputScaling } from '../../src/data/image-dataset.ts';
import { inferenceModeModel } from '../../src/explain/inference-mode-model.ts';
import { resizeBilinearFloat } from '../../src/data/images/resize-bilinear.ts';
import { modelInfo, type ModelInfo } from '../../src/model/model-info.ts';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { presetSpec } from '../../src/model/presets.ts';
import { Rng } from '../../src/model/rng.ts';
import { exportModel } from '../../src/io/tfjs-model.ts';
import { compareToReference, maxMagnitude } from '../../src/gpu/tolerance.ts';
import { referenceExplanation, referenceGradCam } from '../reference/explanation.ts';
import { loadIntoTfjs, useCpuBackend } from '../io/tfjs-io.ts';
import { randomizedWeights } from './training-steps.ts';
import { fakeMnist } from './fake-mnist.ts';
import { expectNoGpuErrors, getGpu } from './gpu-fixture.ts';

/** |gpu - ref| <= atol * max|ref| + rtol * |ref| everywhere (a line for the log). */
function expectClose(what: string, gpu: ArrayLike<number>, ref: ArrayLike<number>, atol: number, rtol = 1e-4): string {
  expect(gpu.length, `${what}: length`).toBe(ref.length);
  const scale = maxMagnitude(ref);
  const d = compareToReference(gpu, ref, atol * scale, rtol);
  const line = `${what}: max|ref| ${scale.toExponential(2)} max abs diff ${d.maxAbs.toExponential(2)}`;
  expect(scale, `${what} is all zero`).toBeGreaterThan(0);
  expect(d.bad, line).toBe(0);
  return line;
}

const L = (class_name: string, config: Record<string, unknown>) => ({ class_name, config });

/** A small model with every kind of layer an explanation must see through. */
const SMALL = modelInfo(parseModelConfig({
  class_name: 'Sequential',
  config: {
    name: 'explain-small',
    layers: [
      L('InputLayer', { batch_shape: [null, 12, 12, 2] }),
      L('RandomFlip', { name: 'flip', mode: 'horizontal' }),
      L('Rescaling', { name: 'rescale', scale: 2, offset: -0.5 }),
      L('Conv2D', { name: 'conv_a', filters: 4, kernel_size: 3, activation: 'relu' }),
      L('MaxPooling2D', { name: 'pool', pool_size: 2 }),
      L('Dropout', { name: 'drop', rate: 0.5 }),
      L('Conv2D', { name: 'conv_b', filters: 6, kernel_size: 3, padding: 'same', use_bias: false }),
      L('BatchNormalization', { name: 'bn' }),
      L('Activation', { name: 'act', activation: 'tanh' }),
      L('GlobalAveragePooling2D', { name: 'gap' }),
      L('Dense', { name: 'out', units: 5, activation: 'softmax' }),
    ],
  },
}));

function randomInput(model: ModelInfo, rng: Rng): Float32Array {
  return Float32Array.from({ length: model.inputSize }, () => (rng.nextFloat() < 0.4 ? rng.nextFloat() : 0));
}

describe('explanations against the float64 layer references', () => {
  it('gives every layer output, the saliency and Grad-CAM of the references, for the predicted and a chosen class', async () => {
    const gpu = await getGpu();
    const rng = new Rng(11);
    const params = randomizedWeights(SMALL, 5, rng);
    const explainer = new Explainer({ device: gpu.device, root: gpu.root }, SMALL, params);
    try {
      for (const [k, cls] of [[0, undefined], [1, 3]] as const) {
        const x = randomInput(SMALL, rng);
        const got: Explanation = await expectNoGpuErrors(gpu.device, () => explainer.explain(x, cls));
        const ref = referenceExplanation(SMALL, params, x, got.classIndex, 'conv_b');
        const logits = ref.outputs[ref.outputs.length - 1];
        if (cls === undefined) expect(got.classIndex).toBe(logits.indexOf(Math.max(...logits)));
        else expect(got.classIndex).toBe(cls);
        expect(got.featureMaps.map((f) => `${f.layer} ${f.shape.join('x')}`)).toEqual(SMALL.layers.map((l) => `${l.spec.name} ${l.outputShape.join('x')}`));
        const lines = got.featureMaps.map((f, i) => expectClose(`image ${k} ${f.layer}`, f.values, ref.outputs[i], 1e-5));
        lines.push(expectClose(`image ${k} saliency`, got.saliency, ref.saliency, 1e-5));
        const cam = referenceGradCam(ref.camActivation, ref.camGrad, ref.camShape);
        expect(got.gradCam?.layer).toBe('conv_b');
        lines.push(expectClose(`image ${k} grad-cam`, got.gradCam!.map, cam, 1e-5));
        const [camH, camW] = ref.camShape;
        const up = resizeBilinearFloat(cam, { inHeight: camH, inWidth: camW, channels: 1, outHeight: 12, outWidth: 12 });
        lines.push(expectClose(`image ${k} grad-cam upsampled`, got.gradCam!.upsampled, up, 1e-5));
        expect(Array.from(got.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        console.log(lines.join('\n'));
      }
      // A chosen convolution, and a bad choice named.
      const first = new Explainer({ device: gpu.device, root: gpu.root }, SMALL, params, { gradCamLayer: 'conv_a' });
      try {
        const x = randomInput(SMALL, rng);
        const got = await first.explain(x, 2);
        const ref = referenceExplanation(SMALL, params, x, 2, 'conv_a');
        expectClose('conv_a grad-cam', got.gradCam!.map, referenceGradCam(ref.camActivation, ref.camGrad, ref.camShape), 1e-5);
      } finally {
        first.destroy();
      }
      // Any convolution per explanation, on the explainer built for the last one (no rebuild), then the default again.
      const x = randomInput(SMALL, rng);
      for (const layer of ['conv_a', undefined]) {
        const got = await explainer.explain(x, 4, layer);
        const name = layer ?? 'conv_b';
        const ref = referenceExplanation(SMALL, params, x, 4, name);
        expect(got.gradCam?.layer).toBe(name);
        console.log(expectClose(`per-explanation ${name} grad-cam`, got.gradCam!.map, referenceGradCam(ref.camActivation, ref.camGrad, ref.camShape), 1e-5));
      }
      await expect(explainer.explain(x, 4, 'gap')).rejects.toThrow(/^Grad-CAM: "gap" is not a Conv2D layer of the model \(its Conv2D layers: conv_a, conv_b\)$/);
      expect(() => new Explainer({ device: gpu.device, root: gpu.root }, SMALL, params, { gradCamLayer: 'pool' })).toThrow(/"pool" is not a Conv2D layer of the model \(its Conv2D layers: conv_a, conv_b\)/);
      await expect(explainer.explain(new Float32Array(3))).rejects.toThrow(/expected 12 x 12 x 2 = 288 input values, got 3/);
      await expect(explainer.explain(randomInput(SMALL, rng), 5)).rejects.toThrow(/class 5 is not one of the model's 5 classes/);
    } finally {
      explainer.destroy();
    }
  });
});

describe("the page worker's explain service", () => {
  it('reads the weights again after weightsChanged, and builds anew for another model', async () => {
    const gpu = await getGpu();
    const ctx = { device: gpu.device, root: gpu.root };
    const rng = new Rng(17);
    const source = { model: SMALL, scaling: 'divide-255' as InputScaling, weights: randomizedWeights(SMALL, 8, rng), getWeights() { return Promise.resolve(this.weights.slice()); } };
    const pixels = Uint8Array.from({ length: SMALL.inputSize }, () => rng.nextInt(256));
    const service = new ExplainService();
    try {
      const check = async (src: typeof source, what: string) => {
        const { explanation, filters } = await service.explain(ctx, src, pixels, { classIndex: 1 });
        const ref = referenceExplanation(SMALL, src.weights, modelInput(pixels, src.scaling), 1, 'conv_b');
        expectClose(`${what} saliency`, explanation.saliency, ref.saliency, 1e-5);
        // Every convolution's kernel, in layer order, as the weights hold it.
        const convs = SMALL.layers.filter((l) => l.spec.type === 'Conv2D').map((l) => l.spec.name);
        expect(filters.map((f) => f.layer)).toEqual(convs);
        expect(filters[0].shape).toEqual([3, 3, 2, 4]);
        for (const f of filters) {
          const kernel = SMALL.params.get(`${f.layer}/kernel`);
          expect(f.shape).toEqual(kernel.shape);
          expect(Array.from(f.values)).toEqual(Array.from(src.weights.subarray(kernel.offset, kernel.offset + kernel.size)));
        }
      };
      await check(source, 'first weights');
      source.weights = randomizedWeights(SMALL, 9, rng);
      service.weightsChanged();
      await check(source, 'changed weights');
      await check({ ...source, weights: randomizedWeights(SMALL, 10, rng) }, 'another model');
      // a model of the user's own images reads their bytes as they are
      await check({ ...source, scaling: 'none', weights: randomizedWeights(SMALL, 12, rng) }, 'bytes as they are');
      // An epoch's weights given with the change are used, not the source's (read mid-run).
      const epochWeights = randomizedWeights(SMALL, 11, rng);
      const kept = epochWeights.slice();
      service.weightsChanged(source, epochWeights);
      epochWeights.fill(0); // the service kept a copy
      source.getWeights = () => Promise.reject(new Error('read the source during a run'));
      const given = await service.explain(ctx, source, pixels, { classIndex: 2, camLayer: 'conv_a' });
      const ref = referenceExplanation(SMALL, kept, modelInput(pixels), 2, 'conv_a');
      expect(given.explanation.gradCam?.layer).toBe('conv_a');
      expectClose('given weights saliency', given.explanation.saliency, ref.saliency, 1e-5);
      // a Grad-CAM layer the model lacks (chosen for another model) falls back to its last convolution, named in the answer
      const fallback = await service.explain(ctx, source, pixels, { classIndex: 2, camLayer: 'conv_of_another_model' });
      expect(fallback.explanation.gradCam?.layer).toBe('conv_b');
    } finally {
      service.reset();
    }
  });
});

/** TF.js's d(logit cls)/d(input) for one image: the layers in inference mode, the last Dense's matmul + bias without its softmax. */
function tfjsSaliency(model: tfl.LayersModel, x: Float32Array, shape: readonly number[], cls: number): Float32Array {
  const layers = model.layers;
  const last = layers[layers.length - 1];
  const [kernel, bias] = last.getWeights();
  const score = (input: tf.Tensor): tf.Tensor => {
    let h = input;
    for (const l of layers.slice(0, -1)) h = l.apply(h, { training: false }) as tf.Tensor;
    const logits = tf.add(tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D), bias);
    return tf.sum(tf.slice(logits, [0, cls], [1, 1]));
  };
  return tf.tidy(() => tf.grad(score)(tf.tensor(x, [1, ...shape])).dataSync() as Float32Array);
}

describe('saliency against TensorFlow.js tf.grad', () => {
  beforeAll(useCpuBackend);

  for (const preset of ['mnist-cnn', 'strided-bn'] as const) {
    it(`${preset}: d(score before softmax)/d(input) is TF.js's`, async () => {
      const model = modelInfo(presetSpec(preset));
      const params = randomizedWeights(model, 7, new Rng(3));
      const { modelJson, weightsBin } = exportModel(model, params);
      const tfModel = await loadIntoTfjs(JSON.parse(JSON.stringify(modelJson)), weightsBin);
      const gpu = await getGpu();
      const explainer = new Explainer({ device: gpu.device, root: gpu.root }, model, params);
      try {
        const image = fakeMnist(0, 1, 21).test.images;
        const x = modelInput(image);
        for (const cls of [undefined, 4]) {
          const t0 = performance.now();
          const got = await expectNoGpuErrors(gpu.device, () => explainer.explain(x, cls));
          const ms = performance.now() - t0;
          const want = tfjsSaliency(tfModel, x, model.inputShape, got.classIndex);
          // float32 on both sides, different summation orders: within 1e-4 of the largest
          // gradient (and 1e-3 relative).
          console.log(`${preset} class ${got.classIndex} (${ms.toFixed(0)} ms): ${expectClose('saliency', got.saliency, want, 1e-4, 1e-3)}`);
          const probs = tf.tidy(() => (tfModel.predict(tf.tensor(x, [1, ...model.inputShape])) as tf.Tensor).dataSync());
          expectClose('probabilities', got.probabilities, probs, 1e-5);
        }
        // The time of one explanation once built and warmed up (the log's figure).
        const times: number[] = [];
        for (let i = 0; i < 7; i++) {
          const t0 = performance.now();
          await explainer.explain(x);
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        console.log(`${preset}: one explanation takes ${times[3].toFixed(0)} ms (median of 7; ${times[0].toFixed(0)} .. ${times[6].toFixed(0)} ms)`);
      } finally {
        explainer.destroy();
        tfModel.dispose();
      }
    });
  }
});
