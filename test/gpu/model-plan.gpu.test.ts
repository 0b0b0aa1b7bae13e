// Evaluation plans (training: false) of the whole model: every layer is built inference-only
// (no backward dispatches, no gradient buffers), and at batch 1000, where a training plan's
// max_pooling2d backward alone would need 84,500 workgroups, the plan builds and its
// inference pass gives the float64 reference's logits for every sample (conv2d's ReLU and
// max_pooling2d run inside one fused kernel there).
import { describe, expect, it } from 'vitest';
import { createModelPlan } from '../../src/train/model-plan.ts';
import { createBufferWith, createStorageBuffer, readF32, readU32 } from '../../src/gpu/buffers.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, runDispatches } from '../../src/gpu/kernel.ts';
import { uploadImages, uploadLabels } from '../../src/layers/gather.ts';
import { initParams } from '../../src/model/init.ts';
import { PARAM_BUFFER_LENGTH } from '../model/seed-params.ts';
import { CLASSES } from '../model/seed-architecture.ts';
import { Rng } from '../../src/model/rng.ts';
import { modelForward } from '../reference/model.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';

const IMAGE_PIXELS = DEFAULT_MODEL.inputSize;

// float32 tolerance on logits: |gpu - ref| <= ATOL_SCALE * max|ref| + RTOL * |ref|.
const ATOL_SCALE = 1e-5;
const RTOL = 1e-4;

describe('model plan (evaluation)', () => {
  it('B=1000 evaluation plan: no backward, no gradient buffers, logits match the reference', async () => {
    const { root, device } = await getGpu();
    const B = 1000;
    const DISTINCT = 7; // sample s is image s % 7
    const rng = new Rng(2024);
    const pixels = Uint8Array.from({ length: DISTINCT * IMAGE_PIXELS }, () => (rng.nextFloat() < 0.3 ? rng.nextInt(256) : 0));
    const indices = Uint32Array.from({ length: B }, (_, s) => s % DISTINCT);
    const w = initParams(DEFAULT_MODEL.params, 5);
    const ref = modelForward(w, Float64Array.from(pixels, (p) => Math.fround(p / 255)), null).logits;
    // Labels: the reference's prediction for even images, another class for odd ones.
    const refArg = Array.from({ length: DISTINCT }, (_, i) => {
      let arg = 0;
      for (let c = 1; c < CLASSES; c++) if (ref[i * CLASSES + c] > ref[i * CLASSES + arg]) arg = c;
      return arg;
    });
    const labels = Uint8Array.from(refArg, (a, i) => (i % 2 === 0 ? a : (a + 1) % CLASSES));
    await expectNoGpuErrors(device, async () => {
      const shared = {
        params: createBufferWith(device, Float32Array.from(w), 'params'),
        grads: createStorageBuffer(device, PARAM_BUFFER_LENGTH * 4, 'grads'),
        state: createStorageBuffer(device, 16, 'state'),
        images: uploadImages(device, pixels, IMAGE_PIXELS),
        labels: uploadLabels(device, labels),
        indices: createBufferWith(device, indices, 'indices'),
        batchLoss: createStorageBuffer(device, 4, 'batchLoss'),
        batchCorrect: createStorageBuffer(device, 4, 'batchCorrect'),
      };
      const plan = createModelPlan(
        { root, device },
        DEFAULT_MODEL,
        { batch: B, imageCount: DISTINCT, slots: 1, training: false },
        shared,
      );
      expect(plan.train).toEqual([]);
      // conv2d pools inside its kernel: no max_pooling2d layer and no a1 buffer.
      expect(plan.layers.map((l) => l.name)).toEqual(['gather', 'conv2d', 'conv2d_1', 'max_pooling2d_1', 'dense', 'dense_1', 'loss']);
      for (const l of plan.layers) expect(l.backward).toEqual([]);
      expect(plan.gradients.size).toBe(0);
      expect([...plan.activations.keys()]).toEqual(DEFAULT_MODEL.layers.map((l) => l.spec.name));
      // No dropout in evaluation: each Dropout layer's output is its input's buffer (as Flatten's).
      for (const [drop, before] of [['dropout', 'max_pooling2d'], ['dropout_1', 'max_pooling2d_1'], ['flatten', 'dropout_1'], ['dropout_2', 'dense']]) {
        expect(plan.activations.get(drop)).toBe(plan.activations.get(before));
      }
      // conv2d pools inside its kernel: its output is the pooled tensor.
      expect(plan.activations.get('conv2d')).toBe(plan.activations.get('max_pooling2d'));
      for (const d of plan.inference) for (const g of d.workgroups) expect(g).toBeLessThanOrEqual(MAX_WORKGROUPS_PER_DIMENSION);
      expect(plan.inference.length).toBe(plan.layers.reduce((n, l) => n + l.forward.length, 0));

      runDispatches(device, plan.inference);
      const logits = await readF32(device, plan.logits, B * CLASSES);
      const correct = await readU32(device, shared.batchCorrect, 1);
      let scale = 0;
      for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
      let bad = 0;
      let maxAbs = 0;
      let refCorrect = 0;
      for (let s = 0; s < B; s++) {
        const img = s % DISTINCT;
        for (let c = 0; c < CLASSES; c++) {
          const r = ref[img * CLASSES + c];
          const e = Math.abs(logits[s * CLASSES + c] - r);
          maxAbs = Math.max(maxAbs, e);
          if (!(e <= ATOL_SCALE * scale + RTOL * Math.abs(r))) bad++;
        }
        if (refArg[img] === labels[img]) refCorrect++;
      }
      console.log(`eval plan B=${B}: ${plan.inference.length} dispatches, logits max abs diff ${maxAbs.toExponential(2)} (scale ${scale.toExponential(2)}), correct ${correct[0]} (ref ${refCorrect})`);
      expect(bad).toBe(0);
      expect(correct[0]).toBe(refCorrect);
      plan.destroy();
      for (const b of Object.values(shared)) b.destroy();
    });
  });
});
