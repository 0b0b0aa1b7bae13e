// GpuModel.penultimate (the map of the test set's GPU side) against the float64 layer
// references (test/reference/sequential.ts) in evaluation mode: the input of the last Dense
// layer and the class probabilities of 537 random images (a full batch of EVAL_BATCH and a
// partial one), on a model whose penultimate tensor is a Dense layer's output behind a
// Dropout (the fused conv-pool before it) and on one where it is a convolution's output
// behind a Flatten; a second call creates no GPU object.
import { describe, expect, it } from 'vitest';
import { modelInfo, type ModelInfo } from '../../src/model/model-info.ts';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { Rng } from '../../src/model/rng.ts';
import { EVAL_BATCH, GpuModel, softmaxRows } from '../../src/train/gpu-model.ts';
import { modelInput } from '../../src/explain/explainer.ts';
import { gpuObjectCounts } from '../../src/gpu/gpu-objects.ts';
import { sequentialForward } from '../reference/sequential.ts';
import { compareScaled } from './tolerance.ts';
import { randomizedWeights } from './training-steps.ts';
import { expectNoGpuErrors, getGpu } from './gpu-fixture.ts';

const L = (class_name: string, config: Record<string, unknown>) => ({ class_name, config });
const sequential = (name: string, layers: ReturnType<typeof L>[]): ModelInfo => modelInfo(parseModelConfig({ class_name: 'Sequential', config: { name, layers } }));

/** The penultimate tensor: the second Dense's input, the output of a Dropout after a Dense(12, relu). */
const DENSE_BEHIND_DROPOUT = sequential('penultimate-dense', [
  L('InputLayer', { batch_shape: [null, 10, 10, 1] }),
  L('Conv2D', { name: 'conv', filters: 4, kernel_size: 3, activation: 'relu' }),
  L('MaxPooling2D', { name: 'pool', pool_size: 2 }),
  L('Dropout', { name: 'drop_a', rate: 0.25 }),
  L('Flatten', { name: 'flat' }),
  L('Dense', { name: 'hidden', units: 12, activation: 'relu' }),
  L('Dropout', { name: 'drop_b', rate: 0.5 }),
  L('Dense', { name: 'out', units: 3, activation: 'softmax' }),
]);

/** The penultimate tensor: a (6, 6, 3) convolution output, flattened. */
const CONV_BEHIND_FLATTEN = sequential('penultimate-conv', [
  L('InputLayer', { batch_shape: [null, 8, 8, 2] }),
  L('Conv2D', { name: 'conv', filters: 3, kernel_size: 3, activation: 'tanh' }),
  L('Flatten', { name: 'flat' }),
  L('Dense', { name: 'out', units: 4, activation: 'softmax' }),
]);

describe('GpuModel.penultimate', () => {
  for (const [model, layer, width] of [[DENSE_BEHIND_DROPOUT, 'drop_b', 12], [CONV_BEHIND_FLATTEN, 'flat', 108]] as const) {
    it(`gives ${model.spec.name}'s last Dense input (${layer}, ${width} values) and probabilities of the float64 reference, over a partial last batch`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(5);
      const params = randomizedWeights(model, 3, rng);
      const count = EVAL_BATCH + 37;
      const images = Uint8Array.from({ length: count * model.inputSize }, () => (rng.nextFloat() < 0.5 ? rng.nextInt(256) : 0));
      const m = new GpuModel({ device: gpu.device, root: gpu.root }, model, params, { images: images.slice(0, model.inputSize), labels: new Uint8Array(1), count: 1 });
      try {
        const done: number[] = [];
        const got = await expectNoGpuErrors(gpu.device, () => m.penultimate(images, count, (n) => done.push(n)));
        expect(done).toEqual([EVAL_BATCH, count]);
        expect(got.layer).toEqual({ dense: 'out', source: layer, shape: model.layers.find((l) => l.spec.name === 'out')!.inputShape, width });
        expect(got.features.length).toBe(count * width);

        const ref = sequentialForward(model, Float64Array.from(params), Float64Array.from(modelInput(images)), null);
        const features = ref.outputs[model.layers.findIndex((l) => l.spec.name === layer)];
        const probabilities = new Float32Array(count * model.classes);
        softmaxRows(Float32Array.from(ref.logits), probabilities, model.classes);
        const f = compareScaled(`${model.spec.name} features`, got.features, features, 1e-5, 1e-4);
        const p = compareScaled(`${model.spec.name} probabilities`, got.probabilities, probabilities, 1e-5, 1e-4);
        console.log(`${f.line}\n${p.line}`);
        expect(f.bad, f.line).toBe(0);
        expect(p.bad, p.line).toBe(0);
        // The last batch's rows are its own (not the first batch's again).
        expect(Array.from(got.features.subarray((count - 1) * width))).not.toEqual(Array.from(got.features.subarray((EVAL_BATCH - 1) * width, EVAL_BATCH * width)));

        // Again, for fewer images: the same values, and nothing new on the GPU.
        const before = gpuObjectCounts(gpu.device);
        const again = await m.penultimate(images, 7);
        const after = gpuObjectCounts(gpu.device);
        for (const kind of ['buffer', 'bindGroup', 'computePipeline'] as const) expect(after[kind].created, kind).toBe(before[kind].created);
        expect(Array.from(again.features)).toEqual(Array.from(got.features.subarray(0, 7 * width)));
        await expect(m.penultimate(images.subarray(0, 10), 3)).rejects.toThrow(/penultimate: expected \(N, .*\) bytes, got 10 bytes for 3 images/);
      } finally {
        m.destroy();
      }
    });
  }
});
