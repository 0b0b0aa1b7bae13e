// The one training setup every section of the benchmark shares (bench/bench-sections.ts):
// the default model at batch B on real MNIST, one training step's dispatches and the timers.
import { DEFAULT_MODEL } from '../src/model/presets.ts';
import type { Gpu } from '../src/gpu/device.ts';
import { createBufferWith, createStorageBuffer } from '../src/gpu/buffers.ts';
import type { Dispatch } from '../src/gpu/kernel.ts';
import type { Mnist } from '../src/data/mnist.ts';
import { initParams } from '../src/model/init.ts';
import { Rng } from '../src/model/rng.ts';
import { createOptimizer } from '../src/layers/optimizer.ts';
import { createStepBegin, createStepEnd, createStepState } from '../src/layers/step-state.ts';
import { uploadSplit } from '../src/train/dataset-gpu.ts';
import { Pass, identityOrder } from '../src/train/pass.ts';
import { GpuTimer, type TimerOptions } from '../src/gpu/timing.ts';
import type { BenchRequest } from './bench-protocol.ts';

export const SEED = 42;
export const LR = 0.001;

export function createBenchContext(gpu: Gpu, data: Mnist, req: BenchRequest) {
  const { device, root } = gpu;
  const ctx = { device, root };
  const B = req.batch;
  const n = DEFAULT_MODEL.params.length;
  const w0 = initParams(DEFAULT_MODEL.params, SEED); // (params)
  const params = createBufferWith(device, w0, 'params'); // (params)
  const grads = createStorageBuffer(device, n * 4, 'grads'); // (params)
  const m = createStorageBuffer(device, n * 4, 'm'); // (params)
  const v = createStorageBuffer(device, n * 4, 'v'); // (params)
  const state = createStepState(device, SEED);
  const trainData = uploadSplit(device, data.train, data.train.count, DEFAULT_MODEL.inputSize, 'train');
  const pass = new Pass(ctx, DEFAULT_MODEL, { label: 'bench', count: B, batch: B, training: true }, { data: trainData, params, grads, state });
  const order = identityOrder(data.train.count);
  new Rng(SEED).shuffle(order);
  const batchIndices = order.slice(0, B);
  pass.setOrder(batchIndices);
  const optimizer = createOptimizer(ctx, { kind: 'adam', length: n, lr: LR }, { params, grads, m, v, state });
  const step: Dispatch[] = [createStepBegin(ctx, state), ...pass.trainBatch(0), optimizer.dispatch, createStepEnd(ctx, state)];
  const budget: TimerOptions = { budgetMs: req.quick ? 50 : req.kernelBudgetMs, minReps: req.quick ? 1 : 3, maxReps: req.quick ? 2 : 50 };
  return {
    req, gpu, device, ctx, data, w0, params, grads, state, trainData, pass, plan: pass.mainPlan, order, batchIndices, optimizer, step, budget,
    /** Timestamp queries where the adapter has them, else the wall clock. */
    timer: new GpuTimer(device, gpu.hasTimestamps),
    wall: new GpuTimer(device, false),
  };
}

export type BenchContext = ReturnType<typeof createBenchContext>;
