// Whole training steps of a model on a fixed sequence of batches, on the GPU (gather, forward,
// loss, backward, optimizer: the plan and TrainingStep the trainer runs) and in the float64
// reference composed from the layer references (test/reference/sequential.ts), for tests that
// compare the two: the same initial weights, batches (in order) and dropout masks of the GPU's
// counter-based RNG. The last batch may be partial (fewer images than steps * batch).
import type { ModelInfo } from '../../src/model/model-info.ts';
import { initParams } from '../../src/model/init.ts';
import type { Rng } from '../../src/model/rng.ts';
import { readF32 } from '../../src/gpu/buffers.ts';
import { encodeDispatches } from '../../src/gpu/kernel.ts';
import type { KernelChoices, KernelSlot } from '../../src/gpu/kernel-registry.ts';
import { pipelinesCompiled } from '../../src/gpu/pipeline-cache.ts';
import { Pass, identityOrder } from '../../src/train/pass.ts';
import { TrainingStep } from '../../src/train/training-step.ts';
import { uploadSplit } from '../../src/train/dataset-gpu.ts';
import { gpuDropoutMasks, sequentialTrainStep } from '../reference/sequential.ts';
import { expect } from 'vitest';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

export interface StepsRun {
  model: ModelInfo;
  /** Initial weights (the parameter table's layout). */
  w0: Float32Array;
  /** imageCount(run) images (inputSize bytes each) and labels, taken in order. */
  images: Uint8Array<ArrayBuffer>;
  labels: Uint8Array<ArrayBuffer>;
  batch: number;
  steps: number;
  /** Images in the run (default steps * batch; fewer make the last step a partial batch). */
  count?: number;
  optimizer: { kind: 'adam' | 'sgd'; lr: number; momentum: number };
  /** The step state's dropout seed. */
  seed: number;
  /**
   * Overrides of the fixed rules, from the slots of the plan the fixed rules build (e.g. the
   * generated GEMMs wherever a slot offers one); default: the fixed rules.
   */
  kernels?: (slots: readonly KernelSlot[]) => KernelChoices;
}

/**
 * Fresh weights (Keras's initialisers, seeded) with random biases and BatchNormalization
 * parameters and statistics instead of their constant starts, so that their paths matter.
 */
export function randomizedWeights(model: ModelInfo, seed: number, rng: Rng): Float32Array {
  const w0 = initParams(model.params, seed);
  for (const p of model.params.entries) {
    if (p.init === 'glorot_uniform') continue;
    for (let i = 0; i < p.size; i++) w0[p.offset + i] = p.weight === 'moving_variance' ? 0.5 + rng.nextFloat() : (rng.nextFloat() - 0.5) * 0.2 + (p.init === 'ones' ? 1 : 0);
  }
  return w0;
}

/** The images the run's steps take. */
function imageCount(run: StepsRun): number {
  return run.count ?? run.batch * run.steps;
}

export interface GpuSteps {
  params: Float32Array;
  moment1: Float32Array;
  moment2: Float32Array;
  /** Pipelines compiled by building a pass of `otherBatch` samples afterwards (when asked). */
  otherBatchPipelines?: number;
}

/**
 * The GPU's parameters and optimizer moments after the run's steps (one submit); with
 * `otherBatch`, then also how many pipelines a pass of that batch size compiles.
 */
export async function gpuTrainingSteps(run: StepsRun, otherBatch?: number): Promise<GpuSteps> {
  const { model, batch, steps } = run;
  const count = imageCount(run);
  const { root, device } = await getGpu();
  const ctx = { root, device };
  return expectNoGpuErrors(device, async () => {
    const step = new TrainingStep(ctx, { table: model.params, weights: run.w0, optimizer: run.optimizer, seed: run.seed });
    const data = uploadSplit(device, { images: run.images, labels: run.labels, count }, count, model.inputSize, 'train');
    let pass = new Pass(ctx, model, { label: 'steps', count, batch, training: true }, step.passBuffers(data));
    let kernels: KernelChoices | undefined;
    if (run.kernels) {
      kernels = run.kernels(pass.mainPlan.kernelSlots);
      pass.destroy();
      pass = new Pass(ctx, model, { label: 'steps', count, batch, training: true, kernels }, step.passBuffers(data));
    }
    pass.setOrder(identityOrder(count));
    const encoder = device.createCommandEncoder();
    encodeDispatches(encoder, step.dispatches(pass, 0, steps));
    device.queue.submit([encoder.finish()]);
    const [params, moment1, moment2] = await Promise.all([step.params, step.moment1, step.moment2].map((b) => readF32(device, b, step.length)));
    let otherBatchPipelines: number | undefined;
    if (otherBatch !== undefined) {
      const compiled = pipelinesCompiled(device);
      const other = new Pass(ctx, model, { label: 'steps (another batch size)', count, batch: otherBatch, training: true, kernels }, step.passBuffers(data));
      otherBatchPipelines = pipelinesCompiled(device) - compiled;
      other.destroy();
    }
    pass.destroy();
    step.destroy();
    data.destroy();
    return { params, moment1, moment2, otherBatchPipelines };
  });
}

/** The float64 reference's parameters after the run's steps. */
export function referenceTrainingSteps(run: StepsRun): Float64Array {
  const { model, batch, optimizer } = run;
  const count = imageCount(run);
  const params = Float64Array.from(run.w0);
  const m = new Float64Array(model.params.length);
  const v = new Float64Array(model.params.length);
  for (let t = 1; t <= run.steps; t++) {
    const first = (t - 1) * batch;
    const size = Math.min(batch, count - first);
    const x = Float64Array.from(run.images.subarray(first * model.inputSize, (first + size) * model.inputSize), (p) => Math.fround(p / 255));
    const masks = gpuDropoutMasks(model, run.seed, t);
    sequentialTrainStep(model, params, m, v, t, x, run.labels.subarray(first, first + size), masks,
      optimizer.kind === 'adam' ? { lr: optimizer.lr } : { kind: 'sgd', lr: optimizer.lr, momentum: optimizer.momentum });
  }
  return params;
}

/**
 * Per tensor: the GPU's change w - w0 agrees to 2e-3 relative (2-norm) with the reference's
 * (a tensor that nearly does not move, e.g. behind a ReLU that is off everywhere, absolutely),
 * and each non-trainable tensor (moving statistics, updated in the forward, or a frozen
 * layer's weights) to 1e-4 of its size. `what` names the run in failures.
 */
export function expectStepsMatch(run: StepsRun, gpu: Float32Array, ref: Float64Array, what: string): void {
  const { model, w0 } = run;
  for (const p of model.params.entries) {
    let diff2 = 0;
    let upd2 = 0;
    let ref2 = 0;
    for (let i = p.offset; i < p.offset + p.size; i++) {
      diff2 += (gpu[i] - ref[i]) ** 2;
      upd2 += (ref[i] - w0[i]) ** 2;
      ref2 += ref[i] ** 2;
    }
    const where = `${what}: ${p.name}`;
    if (!p.trainable) {
      expect(Math.sqrt(diff2 / Math.max(ref2, 1e-30)), where).toBeLessThan(1e-4);
      continue;
    }
    const rel = Math.sqrt(diff2 / Math.max(upd2, (run.optimizer.lr * 1e-3) ** 2 * p.size));
    expect(rel, where).toBeLessThan(2e-3);
  }
}
