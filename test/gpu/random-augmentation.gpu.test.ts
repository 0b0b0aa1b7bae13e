// random_augment_forward (RandomFlip, RandomTranslation, RandomRotation, RandomZoom) against the
// float64 reference (test/reference/random-augmentation.ts) given the draws the GPU made (their
// TypeScript twin, src/layers/augmentation-rng.ts), at two steps, on odd shapes with 1 to 3
// channels, every fill mode and both interpolations. A flip is a copy: equal bit for bit. An
// affine map is computed in float32 on the GPU: each value must lie within 1e-5 of the
// reference's values over input points moved by up to 1e-4 pixel (where the point sits on a
// jump of nearest interpolation or of the constant and wrap fill modes, either side is right);
// at most 5% of the elements may sit on such a jump. Then the flips' frequency over 4000 samples,
// Keras 3's one draw for both axes, and a changed step or seed changing the draws. In a whole
// model: evaluation and prediction equal the model without the layers bit for bit, and training
// reruns bit for bit with the same seed (and differs with another).
import { describe, expect, it } from 'vitest';
import { createRandomAugmentation, augmentationConfig } from '../../src/layers/random-augmentation.ts';
import { augmentationDraws, augmentationLayerId, augmentationSeed } from '../../src/layers/augmentation-rng.ts';
import { createBufferWith, createStorageBuffer, readF32, writeBuffer } from '../../src/gpu/buffers.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { modelInfo, type LayerInfo } from '../../src/model/model-info.ts';
import { affineForward, samplingOf, sampleAffine, type AugmentationSpec } from '../reference/random-augmentation.ts';
import { initParams } from '../../src/model/init.ts';
import { encodeDispatches } from '../../src/gpu/kernel.ts';
import { GpuModel } from '../../src/train/gpu-model.ts';
import { Pass, identityOrder } from '../../src/train/pass.ts';
import { TrainingStep } from '../../src/train/training-step.ts';
import { uploadSplit } from '../../src/train/dataset-gpu.ts';
import type { ModelInfo } from '../../src/model/model-info.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

const RUN_SEED = 0x5eed;
const B = 8;
const DELTA = 1e-4;
const ATOL = 1e-5;

/** The augmentation layer of a model `Input(shape) -> cls(config) -> Flatten -> Dense(2, softmax)`. */
function layerOf(cls: string, config: Record<string, unknown>, shape: readonly number[]): LayerInfo {
  const layers = [
    { class_name: 'InputLayer', config: { batch_shape: [null, ...shape] } },
    { class_name: cls, config },
    { class_name: 'Flatten', config: {} },
    { class_name: 'Dense', config: { units: 2, activation: 'softmax' } },
  ];
  return modelInfo(parseModelConfig({ class_name: 'Sequential', config: { layers } })).layers[0];
}

const CASES: { cls: string; config: Record<string, unknown>; shape: [number, number, number] }[] = [
  { cls: 'RandomFlip', config: {}, shape: [5, 7, 3] },
  { cls: 'RandomFlip', config: { mode: 'horizontal' }, shape: [4, 3, 1] },
  { cls: 'RandomFlip', config: { mode: 'vertical', seed: -7 }, shape: [3, 6, 2] },
  // Shifts of up to a whole image: reflect's second period.
  { cls: 'RandomTranslation', config: { height_factor: 1, width_factor: 1 }, shape: [7, 5, 1] },
  { cls: 'RandomTranslation', config: { height_factor: [-0.6, 0.2], width_factor: 0.6, fill_mode: 'wrap', interpolation: 'nearest' }, shape: [6, 9, 3] },
  { cls: 'RandomTranslation', config: { height_factor: 0.4, width_factor: [0.1, 0.5], fill_mode: 'constant', fill_value: 0.25, seed: 12345 }, shape: [7, 5, 3] },
  { cls: 'RandomRotation', config: { factor: 0.5 }, shape: [9, 7, 1] },
  { cls: 'RandomRotation', config: { factor: [-0.3, 1], fill_mode: 'constant', interpolation: 'nearest', fill_value: -1 }, shape: [5, 8, 3] },
  { cls: 'RandomRotation', config: { factor: 0.25, fill_mode: 'nearest' }, shape: [7, 7, 3] },
  { cls: 'RandomRotation', config: { factor: 1, fill_mode: 'wrap' }, shape: [6, 5, 1] },
  { cls: 'RandomZoom', config: { height_factor: [0.2, 0.9] }, shape: [7, 9, 3] },
  { cls: 'RandomZoom', config: { height_factor: [-0.5, -0.2], width_factor: [0.3, 1], fill_mode: 'nearest', interpolation: 'nearest' }, shape: [8, 5, 1] },
  { cls: 'RandomZoom', config: { height_factor: 1, width_factor: 0.5, fill_mode: 'constant' }, shape: [5, 5, 3] },
  // One row: a fill mode's len <= 1 branch.
  { cls: 'RandomZoom', config: { height_factor: 0.8, fill_mode: 'wrap', interpolation: 'nearest' }, shape: [1, 6, 2] },
];

interface Rig {
  run(step: number, seed?: number): Promise<Float32Array>;
  destroy(): void;
}

/** The layer built alone for B samples of x, run at a given step and run seed. */
function rig(device: GPUDevice, root: Parameters<typeof createRandomAugmentation>[0]['root'], l: LayerInfo, batch: number, x: Float32Array): Rig {
  const state = createStorageBuffer(device, 16, 'state');
  const input = createBufferWith(device, x, 'x');
  const output = createBufferWith(device, new Float32Array(x.length).fill(NaN), 'y');
  const plan = createRandomAugmentation({ root, device }, augmentationConfig(l, batch), { input, output, state });
  return {
    async run(step, seed = RUN_SEED) {
      writeBuffer(device, state, Uint32Array.of(step, 0, seed, 0));
      runDispatches(device, plan.forward);
      return readF32(device, output, x.length);
    },
    destroy() {
      plan.destroy();
      for (const b of [state, input, output]) b.destroy();
    },
  };
}

describe('random augmentation layers on the GPU', () => {
  for (const { cls, config, shape } of CASES) {
    it(`${cls} ${JSON.stringify(config)} on (${shape.join(', ')}) matches the reference at the drawn parameters`, async () => {
      const { root, device } = await getGpu();
      const l = layerOf(cls, config, shape);
      const spec = l.spec as AugmentationSpec;
      const [H, W, C] = shape;
      const rng = new Rng(H * 100 + W * 10 + C);
      const x = Float32Array.from({ length: B * H * W * C }, () => rng.nextInt(256) / 256);
      await expectNoGpuErrors(device, async () => {
        const r = rig(device, root, l, B, x);
        const outputs: Float32Array[] = [];
        for (const step of [1, 2]) {
          const y = await r.run(step);
          outputs.push(y);
          const u = augmentationDraws(augmentationSeed(RUN_SEED, spec.options.seed), step, augmentationLayerId(l.index));
          const affines = Array.from({ length: B }, (_, b) => sampleAffine(spec, H, W, u, b));
          if (cls === 'RandomFlip') {
            expect(Array.from(y)).toEqual(Array.from(affineForward(Float64Array.from(x), B, H, W, C, affines, samplingOf(spec)).lo));
            continue;
          }
          const { lo, hi } = affineForward(Float64Array.from(x), B, H, W, C, affines, samplingOf(spec), DELTA);
          let bad = 0;
          let jumps = 0;
          for (let e = 0; e < y.length; e++) {
            if (!(y[e] >= lo[e] - ATOL && y[e] <= hi[e] + ATOL)) bad++;
            if (hi[e] - lo[e] > 1e-3) jumps++;
          }
          console.log(`${cls} (${shape.join('x')}) step ${step}: ${bad} outside the reference, ${jumps} of ${y.length} on a jump`);
          expect(bad).toBe(0);
          expect(jumps).toBeLessThanOrEqual(0.05 * y.length);
        }
        // The draws move with the step; the transform is no identity.
        expect(outputs[0]).not.toEqual(outputs[1]);
        expect(outputs[0]).not.toEqual(x);
        r.destroy();
      });
    });
  }

  it('RandomFlip flips half of 4000 samples, both axes on one draw; the draws follow the step and the seed', async () => {
    const { root, device } = await getGpu();
    const n = 2000;
    const image = [0, 1, 2, 3]; // 2x2x1: a flip of both axes reads 3 first
    const x = Float32Array.from({ length: n * 4 }, (_, i) => image[i % 4]);
    const l = layerOf('RandomFlip', {}, [2, 2, 1]);
    await expectNoGpuErrors(device, async () => {
      const r = rig(device, root, l, n, x);
      const firsts = (y: Float32Array) => Array.from({ length: n }, (_, b) => y[4 * b]);
      let flipped = 0;
      const runs: number[][] = [];
      for (const step of [1, 2]) {
        const y = await r.run(step);
        for (let b = 0; b < n; b++) {
          const sample = Array.from(y.subarray(4 * b, 4 * b + 4));
          expect([image, [...image].reverse()]).toContainEqual(sample);
        }
        flipped += firsts(y).filter((v) => v === 3).length;
        runs.push(firsts(y));
      }
      // Binomial(4000, 0.5): sd about 32; 5 sd either side.
      console.log(`RandomFlip: ${flipped} of ${2 * n} flipped`);
      expect(Math.abs(flipped - n)).toBeLessThan(5 * Math.sqrt(2 * n * 0.25));
      runs.push(firsts(await r.run(1, RUN_SEED + 1)));
      runs.push(firsts(await r.run(1)));
      const agree = (a: number[], b: number[]) => a.filter((v, i) => v === b[i]).length / n;
      expect(agree(runs[0], runs[1])).toBeLessThan(0.6); // another step
      expect(agree(runs[0], runs[2])).toBeLessThan(0.6); // another run seed
      expect(runs[3]).toEqual(runs[0]); // the same step and seed again
      r.destroy();
    });
  });
});

/** (9, 8, 1) -> [the four augmentation layers] -> Conv2D 3x3 ReLU -> Flatten -> Dense softmax. */
function smallModel(augmented: boolean): ModelInfo {
  const augmentation = [
    { class_name: 'RandomFlip', config: {} },
    { class_name: 'RandomRotation', config: { factor: 0.2 } },
    { class_name: 'RandomZoom', config: { height_factor: 0.3, interpolation: 'nearest' } },
    { class_name: 'RandomTranslation', config: { height_factor: 0.2, width_factor: 0.2, fill_mode: 'constant' } },
  ];
  const layers = [
    { class_name: 'InputLayer', config: { batch_shape: [null, 9, 8, 1] } },
    ...(augmented ? augmentation : []),
    { class_name: 'Conv2D', config: { filters: 3, kernel_size: 3, activation: 'relu' } },
    { class_name: 'Flatten', config: {} },
    { class_name: 'Dense', config: { units: 10, activation: 'softmax' } },
  ];
  return modelInfo(parseModelConfig({ class_name: 'Sequential', config: { layers } }));
}

const bytes = (a: Float32Array) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

describe('random augmentation layers in a model', () => {
  const count = 12;
  const rng = new Rng(5);
  const images = Uint8Array.from({ length: count * 72 }, () => rng.nextInt(256));
  const labels = Uint8Array.from({ length: count }, () => rng.nextInt(10));

  it('evaluation and prediction equal the model without them, bit for bit', async () => {
    const { root, device } = await getGpu();
    const [withAug, without] = [smallModel(true), smallModel(false)];
    expect(withAug.params.entries).toEqual(without.params.entries);
    const weights = initParams(without.params, 3);
    await expectNoGpuErrors(device, async () => {
      const results = [];
      for (const model of [withAug, without]) {
        const m = new GpuModel({ root, device }, model, weights, { images, labels, count });
        results.push({ evaluation: await m.evaluate(), probabilities: await m.predict(images) });
        m.destroy();
      }
      expect(results[0].evaluation).toEqual(results[1].evaluation);
      expect(bytes(results[0].probabilities)).toEqual(bytes(results[1].probabilities));
    });
  });

  it('training reruns bit for bit with the same seed, and differs with another', async () => {
    const { root, device } = await getGpu();
    const model = smallModel(true);
    const w0 = initParams(model.params, 3);
    const train = (seed: number) =>
      expectNoGpuErrors(device, async () => {
        const step = new TrainingStep({ root, device }, { table: model.params, weights: w0, optimizer: { kind: 'adam', lr: 0.01, momentum: 0.9 }, seed });
        const data = uploadSplit(device, { images, labels, count }, count, model.inputSize, 'train');
        const pass = new Pass({ root, device }, model, { label: 'augment', count, batch: 4, training: true }, step.passBuffers(data));
        pass.setOrder(identityOrder(count));
        const encoder = device.createCommandEncoder();
        encodeDispatches(encoder, step.dispatches(pass, 0, 3));
        device.queue.submit([encoder.finish()]);
        const w = await readF32(device, step.params, step.length);
        for (const o of [pass, step, data]) o.destroy();
        return w;
      });
    const [a, b, c] = [await train(11), await train(11), await train(12)];
    expect(bytes(a)).toEqual(bytes(b));
    expect(bytes(a)).not.toEqual(bytes(c));
  });
});
