// The plan's kernels come from the registry: for the seed network (models/mnist-cnn.json) the
// fixed rules pick exactly the kernels the plan ran before the registry existed (listed here
// by hand from that code: training at batch 128, evaluation at the evaluation batch); every
// dispatch names its entry; the tunable slots are those with several candidates; an override
// replaces one kernel, and one naming an unsupported entry, an unknown entry or an unknown
// layer is refused with the layer, pass and reason.
import { describe, expect, it } from 'vitest';
import { createModelPlan, type ModelPlanConfig } from '../../src/train/model-plan.ts';
import { createStorageBuffer } from '../../src/gpu/buffers.ts';
import { tunableSlots } from '../../src/gpu/kernel-registry.ts';
import { EVAL_BATCH } from '../../src/train/gpu-model.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';
import { getGpu } from './gpu-fixture.ts';

const tile6x6 = 'conv2d.backward-input.tile6x6';
/** Training at batch 128, dispatch by dispatch (forward, loss, backward in reverse layer order). */
const TRAIN_128 = [
  'gather.forward.bytes',
  'conv2d.forward.cin1row', // conv2d: one input channel
  'maxpool-dropout.forward.fused',
  'conv2d.forward.tile5x5', // conv2d_1: the pool reads 10x10, whole 5x5 tiles
  'maxpool-dropout.forward.fused',
  'dense.forward.tile16x16',
  'dropout.forward.hash',
  'dense.forward.tile4x4', // dense_1: 10 units, not a multiple of 4
  'loss.forward.softmax-xent',
  'loss.metrics.one-workgroup',
  'loss.backward.softmax-xent',
  'dense.backward-input.tile4x4',
  'dense.backward-weights.tile4x4',
  'dropout.backward.relu-mask',
  'dense.backward-input.tile16x16',
  'dense.backward-weights.tile16x16',
  'maxpool-dropout.backward.fused',
  'conv2d.backward-filter.slide',
  'conv2d.backward-reduce.chunks',
  'conv2d.backward-transpose.cin4',
  tile6x6, tile6x6, tile6x6, tile6x6, // one dispatch per tile class
  'maxpool-dropout.backward.fused',
  'conv2d.backward-filter.positions', // conv2d: no input gradient (first layer)
  'conv2d.backward-reduce.chunks',
];
/** Evaluation at EVAL_BATCH (500). */
const EVAL = [
  'gather.forward.bytes',
  'conv2d.inference.cin1pool', // conv + ReLU + pool in one kernel
  'conv2d.forward.tile5x5', // the pool reads 10x10 of the 11x11 output: whole 5x5 tiles
  'maxpool-dropout.inference.fused',
  'dense.forward.tile16x16',
  'dense.forward.tile4x4',
  'loss.forward.softmax-xent',
  'loss.metrics.one-workgroup',
];

async function buildPlan(config: Omit<ModelPlanConfig, 'imageCount' | 'slots'>) {
  const { root, device } = await getGpu();
  const owned: GPUBuffer[] = [];
  const buf = (bytes: number) => {
    const b = createStorageBuffer(device, bytes, 'kernel-choice test');
    owned.push(b);
    return b;
  };
  const floats = DEFAULT_MODEL.params.length * 4;
  const shared = {
    params: buf(floats), grads: buf(floats), state: buf(16), images: buf(DEFAULT_MODEL.inputSize * 8), labels: buf(32),
    indices: buf(config.batch * 4), batchLoss: buf(4), batchCorrect: buf(4),
  };
  try {
    const plan = createModelPlan({ root, device }, DEFAULT_MODEL, { ...config, imageCount: 8, slots: 1 }, shared);
    return { plan, destroy: () => { plan.destroy(); for (const b of owned) b.destroy(); } };
  } catch (e) {
    for (const b of owned) b.destroy();
    throw e;
  }
}

describe('kernel choice through the registry', () => {
  it("the fixed rules pick the seed's kernels (training, B=128)", async () => {
    const { plan, destroy } = await buildPlan({ batch: 128, training: true });
    expect(plan.train.map((d) => d.kernel?.id)).toEqual(TRAIN_128);
    // Slots: what a tuner may vary, with the fixed choice first among the candidates it prefers.
    const tunable = tunableSlots(plan.kernelSlots).map((s) => `${s.layer} ${s.pass}: ${s.candidates.join(' ')} -> ${s.fixed}`);
    expect(tunable).toEqual([
      'conv2d forward: conv2d.forward.cin1row conv2d.forward.tile4x4 conv2d.forward.tile5x5 conv2d.forward.tiled -> conv2d.forward.cin1row',
      'conv2d backward-filter: conv2d.backward-filter.slide conv2d.backward-filter.positions conv2d.backward-filter.rows -> conv2d.backward-filter.positions',
      'conv2d_1 forward: conv2d.forward.tile4x4 conv2d.forward.tile5x5 conv2d.forward.tiled -> conv2d.forward.tile5x5',
      'conv2d_1 backward-filter: conv2d.backward-filter.slide conv2d.backward-filter.positions conv2d.backward-filter.rows -> conv2d.backward-filter.slide',
      'conv2d_1 backward-input: conv2d.backward-input.tile6x6 conv2d.backward-input.direct conv2d.backward-input.rows conv2d.backward-input.tile4x4 -> conv2d.backward-input.tile6x6',
      'dense forward: dense.forward.tile16x16 dense.forward.tile4x4 -> dense.forward.tile16x16',
      'dense backward-input: dense.backward-input.tile16x16 dense.backward-input.tile4x4 -> dense.backward-input.tile16x16',
      'dense backward-weights: dense.backward-weights.tile16x16 dense.backward-weights.tile4x4 -> dense.backward-weights.tile16x16',
    ]);
    for (const s of plan.kernelSlots) expect(s.chosen, `${s.layer} ${s.pass}`).toBe(s.fixed);
    destroy();
  }, 300_000);

  it(`the fixed rules pick the seed's kernels (evaluation, B=${EVAL_BATCH})`, async () => {
    expect(EVAL_BATCH).toBe(500);
    const { plan, destroy } = await buildPlan({ batch: EVAL_BATCH, training: false });
    expect(plan.inference.map((d) => d.kernel?.id)).toEqual(EVAL);
    expect(tunableSlots(plan.kernelSlots).map((s) => `${s.layer} ${s.pass}`)).toEqual(['conv2d_1 forward', 'dense forward']);
    destroy();
  }, 300_000);

  it('an override replaces one kernel and is recorded', async () => {
    const { plan, destroy } = await buildPlan({ batch: 4, training: true, kernels: { conv2d_1: { 'backward-input': 'conv2d.backward-input.rows' } } });
    const ids = plan.train.map((d) => d.kernel?.id);
    expect(ids).toContain('conv2d.backward-input.rows');
    expect(ids).not.toContain(tile6x6);
    const slot = plan.kernelSlots.find((s) => s.layer === 'conv2d_1' && s.pass === 'backward-input');
    expect(slot).toMatchObject({ fixed: tile6x6, chosen: 'conv2d.backward-input.rows' });
    destroy();
  }, 300_000);

  it('refuses an override naming an unsupported entry, another pass, or no layer of the plan', async () => {
    await expect(buildPlan({ batch: 4, training: true, kernels: { conv2d_1: { forward: 'conv2d.forward.cin1row' } } })).rejects.toThrow(
      /layer "conv2d_1", pass forward: conv2d\.forward\.cin1row does not support it: needs 1 input channel \(got 32\)/,
    );
    await expect(buildPlan({ batch: 4, training: true, kernels: { dense: { forward: 'dense.backward-input.tile4x4' } } })).rejects.toThrow(
      /layer "dense", pass forward: dense\.backward-input\.tile4x4 is not a forward kernel of this layer/,
    );
    await expect(buildPlan({ batch: 4, training: false, kernels: { conv2d: { 'backward-filter': 'conv2d.backward-filter.rows' } } })).rejects.toThrow(
      /match no layer and pass of this evaluation plan: conv2d\/backward-filter/,
    );
  }, 300_000);
});
