// Property test: for 20 random valid Sequential specs (fixed seeds; test/model/random-spec.ts),
// three whole GPU training steps (gather, forward, loss, backward, optimizer; the plan the
// trainer runs, with its fusions and special-case kernels where they apply) equal three steps
// of the float64 reference composed from the layer references (test/reference/sequential.ts),
// given the same initial weights, batches and the dropout masks of the GPU's counter-based RNG.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { modelInfo, type ModelInfo } from '../../src/model/model-info.ts';
import { initParams } from '../../src/model/init.ts';
import { readF32 } from '../../src/gpu/buffers.ts';
import { encodeDispatches } from '../../src/gpu/kernel.ts';
import { Pass, identityOrder } from '../../src/train/pass.ts';
import { TrainingStep } from '../../src/train/training-step.ts';
import { uploadSplit } from '../../src/train/dataset-gpu.ts';
import { gpuDropoutMasks, sequentialTrainStep } from '../reference/sequential.ts';
import { randomSpec } from '../model/random-spec.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

const SPECS = 20;
const STEPS = 3;
const SEED = 77;

function describeModel(m: ModelInfo): string {
  return `(${m.inputShape.join('x')}) ` + m.layers.map((l) => `${l.spec.type}[${l.outputShape.join('x')}]`).join(' ');
}

async function compareSteps(specSeed: number): Promise<void> {
  const rng = new Rng(specSeed);
  const model = modelInfo(randomSpec(rng));
  const batch = pick(rng, [1, 3, 5]);
  const optimizer = rng.nextFloat() < 0.7 ? 'adam' : 'sgd';
  const lr = optimizer === 'adam' ? 0.001 : 0.05;
  const count = batch * STEPS;
  const images = Uint8Array.from({ length: count * model.inputSize }, () => (rng.nextFloat() < 0.4 ? rng.nextInt(256) : 0));
  const labels = Uint8Array.from({ length: count }, () => rng.nextInt(10));
  const w0 = initParams(model.params, specSeed);
  // Random biases and BatchNormalization statistics, so that their paths matter.
  for (const p of model.params.entries) {
    if (p.init === 'glorot_uniform') continue;
    for (let i = 0; i < p.size; i++) w0[p.offset + i] = p.weight === 'moving_variance' ? 0.5 + rng.nextFloat() : (rng.nextFloat() - 0.5) * 0.2 + (p.init === 'ones' ? 1 : 0);
  }

  const { root, device } = await getGpu();
  const ctx = { root, device };
  const wGpu = await expectNoGpuErrors(device, async () => {
    const step = new TrainingStep(ctx, { table: model.params, weights: w0, optimizer: { kind: optimizer, lr, momentum: 0.9 }, seed: SEED });
    const data = uploadSplit(device, { images, labels, count }, count, model.inputSize, 'train');
    const pass = new Pass(ctx, model, { label: 'property', count, batch, training: true }, step.passBuffers(data));
    pass.setOrder(identityOrder(count));
    const encoder = device.createCommandEncoder();
    encodeDispatches(encoder, step.dispatches(pass, 0, STEPS));
    device.queue.submit([encoder.finish()]);
    const w = await readF32(device, step.params, step.length);
    pass.destroy();
    step.destroy();
    data.destroy();
    return w;
  });

  const params = Float64Array.from(w0);
  const mRef = new Float64Array(model.params.length);
  const vRef = new Float64Array(model.params.length);
  for (let t = 1; t <= STEPS; t++) {
    const first = (t - 1) * batch;
    const x = Float64Array.from(images.subarray(first * model.inputSize, (first + batch) * model.inputSize), (p) => Math.fround(p / 255));
    const masks = gpuDropoutMasks(model, SEED, t);
    sequentialTrainStep(model, params, mRef, vRef, t, x, labels.subarray(first, first + batch), masks,
      optimizer === 'adam' ? { lr } : { kind: 'sgd', lr, momentum: 0.9 });
  }

  // Per tensor: the change w - w0 agrees to 2e-3 relative (2-norm) with the reference's, and
  // BatchNormalization's moving statistics (updated in the forward) to 1e-4 of their size.
  for (const p of model.params.entries) {
    let diff2 = 0;
    let upd2 = 0;
    let ref2 = 0;
    for (let i = p.offset; i < p.offset + p.size; i++) {
      diff2 += (wGpu[i] - params[i]) ** 2;
      upd2 += (params[i] - w0[i]) ** 2;
      ref2 += params[i] ** 2;
    }
    const what = `spec ${specSeed} ${describeModel(model)} B=${batch} ${optimizer}: ${p.name}`;
    if (!p.trainable) {
      expect(Math.sqrt(diff2 / Math.max(ref2, 1e-30)), what).toBeLessThan(1e-4);
      continue;
    }
    // A tensor that (nearly) does not move, e.g. behind a ReLU that is off everywhere, is compared absolutely.
    const rel = Math.sqrt(diff2 / Math.max(upd2, (lr * 1e-3) ** 2 * p.size));
    expect(rel, what).toBeLessThan(2e-3);
  }
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.nextInt(xs.length)];
}

describe('random Sequential specs: three GPU training steps equal the float64 reference', () => {
  for (let s = 1; s <= SPECS; s++) it(`spec seed ${s}`, () => compareSteps(s));
});
