import { seedBuffers } from './seed-buffers.ts';
import { DEFAULT_MODEL } from '../src/model/presets.ts';
// The benchmark itself, wherever WebGPU comes from (the page: bench-page.ts; Node: the
// `webgpu` package): validates one real training step layer by layer against the float64
// reference, then times every kernel alone, the kernel variants side by side, the whole
// training step and inference.
import { acquireGpu, describeAdapter } from '../src/gpu/device.ts';
import { createBufferWith, createStorageBuffer } from '../src/gpu/buffers.ts';
import { encodeDispatches, type Dispatch } from '../src/gpu/kernel.ts';
import type { Mnist } from '../src/data/mnist.ts';
import { initParams } from '../src/model/init.ts';
import { Rng } from '../src/model/rng.ts';
import { createOptimizer } from '../src/layers/optimizer.ts';
import { createStepBegin, createStepEnd, createStepState } from '../src/layers/step-state.ts';
import { uploadSplit } from '../src/train/dataset-gpu.ts';
import { Pass, identityOrder } from '../src/train/pass.ts';
import { STEPS_PER_SUBMIT } from '../src/train/trainer.ts';
import { validateStep } from './validate-step.ts';
import { kernelVariants } from './kernel-variants.ts';
import { convConfig } from '../src/layers/single-layers.ts';
import { ALL_KERNELS } from '../src/layers/kernels.ts';
import { GpuTimer } from '../src/gpu/timing.ts';
import { measureArithmeticFloor } from './arithmetic-floor.ts';
import { type BenchRequest, type BenchResult, type KernelRow } from './bench-protocol.ts';

const SEED = 42;
/** Each registered kernel's (first) shader, for the per-kernel rows. */
const SHADER_OF = new Map(ALL_KERNELS.map((e) => [e.id, e.shaders[0]]));
const RATES = [0.25, 0.25, 0.5] as const;
const LR = 0.001;

export async function runBench(req: BenchRequest, source: { gpu: GPU | undefined; loadData(): Promise<Mnist> }): Promise<BenchResult> {
  const gpu = await acquireGpu(source.gpu);
  const { device, root } = gpu;
  const ctx = { device, root };
  const data = await source.loadData();
  const B = req.batch;

  // One training setup at batch B on real MNIST.
  const w0 = initParams(DEFAULT_MODEL.params, SEED);
  const params = createBufferWith(device, w0, 'params');
  const grads = createStorageBuffer(device, DEFAULT_MODEL.params.length * 4, 'grads');
  const m = createStorageBuffer(device, DEFAULT_MODEL.params.length * 4, 'm');
  const v = createStorageBuffer(device, DEFAULT_MODEL.params.length * 4, 'v');
  const state = createStepState(device, SEED);
  const trainData = uploadSplit(device, data.train, data.train.count, DEFAULT_MODEL.inputSize, 'train');
  const pass = new Pass(ctx, DEFAULT_MODEL, { label: 'bench', count: B, batch: B, training: true }, { data: trainData, params, grads, state });
  const order = identityOrder(data.train.count);
  new Rng(SEED).shuffle(order);
  const batchIndices = order.slice(0, B);
  pass.setOrder(batchIndices);
  const optimizer = createOptimizer(ctx, { kind: 'adam', length: DEFAULT_MODEL.params.length, lr: LR }, { params, grads, m, v, state });
  const step: Dispatch[] = [createStepBegin(ctx, state), ...pass.trainBatch(0), optimizer.dispatch, createStepEnd(ctx, state)];

  // 1. Validate one step, layer by layer, before timing anything.
  const encoder = device.createCommandEncoder();
  encodeDispatches(encoder, step);
  device.queue.submit([encoder.finish()]);
  const plan = pass.mainPlan;
  const validation = await validateStep(device, {
    plan, paramsBefore: w0, paramsAfter: params, grads, images: data.train.images, indices: batchIndices,
    seed: SEED, step: 1, rates: RATES, learningRate: LR,
  });
  const failed = validation.filter((c) => !c.ok);
  if (failed.length) {
    throw new Error(`validation failed; not timing wrong kernels: ${failed.map((c) => `${c.name} (error ${c.error.toExponential(2)} > ${c.tolerance})`).join('; ')}`);
  }

  // 2. Every kernel alone.
  const timer = new GpuTimer(device, gpu.hasTimestamps);
  const wall = new GpuTimer(device, false);
  const budget = { budgetMs: req.quick ? 50 : req.kernelBudgetMs, minReps: req.quick ? 1 : 3, maxReps: req.quick ? 2 : 50 };
  // Each dispatch of each layer timed alone at `batch`, with its share of the summed time.
  const timeLayers = async (list: { name: string; forward: Dispatch[]; backward: Dispatch[] }[], batch: number) => {
    const out: KernelRow[] = [];
    for (const layer of list) {
      for (const [passName, dispatches] of [['forward', layer.forward], ['backward', layer.backward]] as const) {
        // Consecutive dispatches of one pass of one entry (e.g. 'tile6x6' dx, one per tile class) form one row.
        const runs: Dispatch[][] = [];
        for (const d of dispatches) {
          const last = runs[runs.length - 1];
          if (last && d.kernel && last[0].kernel === d.kernel) last.push(d);
          else runs.push([d]);
        }
        for (const run of runs) {
          const entry = run[0].kernel;
          const shader = entry ? (SHADER_OF.get(entry.id) ?? entry.id) : run[0].pipeline.label;
          const cost = entry?.cost;
          const t = await timer.time(run, budget);
          out.push({
            name: `${layer.name} ${passName} ${shader}${run.length > 1 ? ` (${run.length} dispatches)` : ''}`,
            layer: layer.name,
            shader,
            shape: cost?.shape ?? '',
            ms: t.ms,
            gflops: cost ? cost.flops / t.ms / 1e6 : 0,
            gbps: cost ? cost.bytes / t.ms / 1e6 : 0,
            reps: t.reps,
            share: 0,
          });
        }
      }
    }
    const total = out.reduce((a, r) => a + r.ms, 0);
    for (const r of out) r.share = r.ms / total;
    return out;
  };
  const rows = await timeLayers([...plan.layers, { name: 'optimizer', forward: [optimizer.dispatch], backward: [] }], B);

  // 3. Kernel variants side by side: every registered candidate of every slot with a choice,
  // in the training plan at B and the evaluation plan at inferBatch, on the step's own images
  // and the initial weights (the timing runs above moved the parameters on), each compared
  // with the fixed rules' result.
  const paramsBefore = createBufferWith(device, w0, 'params before');
  const variantState = createStepState(device, SEED);
  const variantSetup = { model: DEFAULT_MODEL, data: trainData, params: paramsBefore, state: variantState };
  const variants = [
    ...(await kernelVariants(ctx, { ...variantSetup, batch: B, training: true, indices: batchIndices }, timer, budget)),
    ...(await kernelVariants(ctx, { ...variantSetup, batch: req.inferBatch, training: false, indices: order.slice(0, req.inferBatch) }, timer, budget)),
  ];

  // 4. The whole training step, as the trainer submits it.
  const steps: Dispatch[] = [];
  for (let i = 0; i < STEPS_PER_SUBMIT; i++) steps.push(...step);
  const stepTiming = await wall.time(steps, { budgetMs: req.quick ? 0 : req.stepBudgetMs, minReps: req.quick ? 1 : 3, maxReps: req.quick ? 1 : 20 });
  const msPerStep = stepTiming.ms / STEPS_PER_SUBMIT;

  // 5. Inference at inferBatch on test images, GPU only and with the logits read back.
  const testData = uploadSplit(device, data.test, req.inferBatch, DEFAULT_MODEL.inputSize, 'test');
  const infer = new Pass(ctx, DEFAULT_MODEL, { label: 'infer', count: req.inferBatch, batch: req.inferBatch, training: false}, { data: testData, params, grads, state: createStepState(device, 0) });
  infer.setOrder(identityOrder(req.inferBatch));
  const inferTiming = await timer.time(infer.inferBatch(0), budget);
  // The same forward kernel by kernel (where inference time goes).
  const inferKernels = await timeLayers(infer.mainPlan.layers, req.inferBatch);
  // conv2d_1's forward beside its arithmetic-only twin, at the inference batch on its real input.
  const conv2 = DEFAULT_MODEL.layers.find((l) => l.spec.name === 'conv2d_1')!;
  const [ho, wo] = conv2.outputShape;
  const floor = await measureArithmeticFloor(
    ctx,
    // As the training plan builds it: the floor pool after it reads 2*floor(Ho/2) x 2*floor(Wo/2).
    { ...convConfig(conv2, req.inferBatch, true), usedOutputHeight: 2 * Math.floor(ho / 2), usedOutputWidth: 2 * Math.floor(wo / 2) },
    { input: seedBuffers(infer.mainPlan).d1, params },
    timer,
    budget,
  );
  const staging = device.createBuffer({ size: req.inferBatch * DEFAULT_MODEL.classes * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const withReadback: number[] = [];
  for (let i = 0; i < (req.quick ? 1 : 5); i++) {
    const t0 = performance.now();
    const e = device.createCommandEncoder();
    encodeDispatches(e, infer.inferBatch(0));
    e.copyBufferToBuffer(infer.logits(0), 0, staging, 0, staging.size);
    device.queue.submit([e.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    staging.unmap();
    withReadback.push(performance.now() - t0);
  }
  withReadback.sort((a, b) => a - b);

  const result: BenchResult = {
    adapter: { ...gpu.adapter, label: describeAdapter(gpu.adapter) },
    timing: timer.method,
    validation,
    kernels: rows,
    inferKernels,
    ...(floor ? { floor } : {}),
    variants,
    train: {
      ms_per_step: msPerStep,
      samples_per_s: (B / msPerStep) * 1000,
      epoch_seconds: (Math.ceil(54000 / B) * msPerStep) / 1000,
      batch: B,
      steps_per_submit: STEPS_PER_SUBMIT,
    },
    infer: {
      images_per_s: (req.inferBatch / inferTiming.ms) * 1000,
      ms_per_1000: (inferTiming.ms * 1000) / req.inferBatch,
      ms_with_readback: withReadback[withReadback.length >> 1],
      batch: req.inferBatch,
    },
  };
  device.destroy();
  return result;
}
