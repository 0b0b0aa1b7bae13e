// The one training setup every section of the benchmark shares (bench/bench-sections.ts):
// the default model at batch B on real MNIST, one training step's dispatches (src/train/training-step.ts)
// and the timers.
import { DEFAULT_MODEL } from '../src/model/presets.ts';
import type { Gpu } from '../src/gpu/device.ts';
import type { Mnist } from '../src/data/mnist.ts';
import { initParams } from '../src/model/init.ts';
import { Rng } from '../src/model/rng.ts';
import { uploadSplit } from '../src/train/dataset-gpu.ts';
import { Pass, identityOrder } from '../src/train/pass.ts';
import { TrainingStep } from '../src/train/training-step.ts';
import { GpuTimer, type TimerOptions } from '../src/gpu/timing.ts';
import type { BenchRequest } from './bench-protocol.ts';

export const SEED = 42;
export const LR = 0.001;

export function createBenchContext(gpu: Gpu, data: Mnist, req: BenchRequest) {
  const { device, root } = gpu;
  const ctx = { device, root };
  const B = req.batch;
  const w0 = initParams(DEFAULT_MODEL.params, SEED); // (params)
  const training = new TrainingStep(ctx, { table: DEFAULT_MODEL.params, weights: w0, optimizer: { kind: 'adam', lr: LR }, seed: SEED, label: 'bench' });
  const { params, grads, state, optimizer } = training;
  const trainData = uploadSplit(device, data.train, data.train.count, DEFAULT_MODEL.inputSize, 'train');
  const pass = new Pass(ctx, DEFAULT_MODEL, { label: 'bench', count: B, batch: B, training: true }, training.passBuffers(trainData));
  const order = identityOrder(data.train.count);
  new Rng(SEED).shuffle(order);
  const batchIndices = order.slice(0, B);
  pass.setOrder(batchIndices);
  const step = training.step(pass, 0);
  const budget: TimerOptions = { budgetMs: req.quick ? 50 : req.kernelBudgetMs, minReps: req.quick ? 1 : 3, maxReps: req.quick ? 2 : 50 };
  return {
    req, gpu, device, ctx, data, w0, training, params, grads, state, trainData, pass, plan: pass.mainPlan, order, batchIndices, optimizer, step, budget,
    /** Timestamp queries where the adapter has them, else the wall clock. */
    timer: new GpuTimer(device, gpu.hasTimestamps),
    wall: new GpuTimer(device, false),
  };
}

export type BenchContext = ReturnType<typeof createBenchContext>;
