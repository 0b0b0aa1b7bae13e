// The benchmark's sections, each on the shared context (bench/bench-context.ts), in the order
// bench/bench-entry.ts runs them for the CLI and the page alike.
import { DEFAULT_MODEL } from '../src/model/presets.ts';
import { createBufferWith } from '../src/gpu/buffers.ts';
import { encodeDispatches, type Dispatch } from '../src/gpu/kernel.ts';
import { median } from '../src/gpu/timing.ts';
import { createStepState } from '../src/layers/step-state.ts';
import { uploadSplit } from '../src/train/dataset-gpu.ts';
import { Pass, identityOrder } from '../src/train/pass.ts';
import { STEPS_PER_SUBMIT } from '../src/train/trainer.ts';
import { convConfig } from '../src/layers/single-layers.ts';
import { throwOnFailure, validateStep } from './validate-step.ts';
import { kernelVariants } from './kernel-variants.ts';
import { measureArithmeticFloor, type ArithmeticFloor } from './arithmetic-floor.ts';
import { timeLayers } from './kernel-table.ts';
import { LR, SEED, type BenchContext } from './bench-context.ts';
import type { BenchResult, KernelRow, VariantRow } from './bench-protocol.ts';

/** 1. One real training step, layer by layer, against the float64 reference; throws on a failure. */
export async function validateOneStep(c: BenchContext): Promise<BenchResult['validation']> {
  const encoder = c.device.createCommandEncoder();
  encodeDispatches(encoder, c.step);
  c.device.queue.submit([encoder.finish()]);
  const validation = await validateStep(c.device, {
    model: DEFAULT_MODEL, plan: c.plan, paramsBefore: c.w0, paramsAfter: c.params, grads: c.grads, images: c.data.train.images, indices: c.batchIndices,
    seed: SEED, step: 1, learningRate: LR,
  });
  throwOnFailure(validation, DEFAULT_MODEL.spec.name);
  return validation;
}

/** 2. Every kernel of the training step alone, the optimizer included. */
export function timeTrainingKernels(c: BenchContext): Promise<KernelRow[]> {
  return timeLayers([...c.plan.layers, { name: 'optimizer', forward: [c.optimizer.dispatch], backward: [] }], c.timer, c.budget);
}

/**
 * 3. Every registered candidate of every slot with a choice, in the training plan at B and the
 * evaluation plan at inferBatch, on the step's own images and the initial weights (the timing
 * runs moved the parameters on), each compared with the fixed rules' result.
 */
export async function timeVariants(c: BenchContext): Promise<VariantRow[]> {
  const paramsBefore = createBufferWith(c.device, c.w0, 'params before'); // (params)
  const setup = { model: DEFAULT_MODEL, data: c.trainData, params: paramsBefore, state: createStepState(c.device, SEED) };
  return [
    ...(await kernelVariants(c.ctx, { ...setup, batch: c.req.batch, training: true, indices: c.batchIndices }, c.timer, c.budget)),
    ...(await kernelVariants(c.ctx, { ...setup, batch: c.req.inferBatch, training: false, indices: c.order.slice(0, c.req.inferBatch) }, c.timer, c.budget)),
  ];
}

/** 4. The whole training step (default: the fixed rules' kernels), as the trainer submits it. */
export async function timeTrainingStep(c: BenchContext, step: readonly Dispatch[] = c.step): Promise<BenchResult['train']> {
  const steps: Dispatch[] = [];
  for (let i = 0; i < STEPS_PER_SUBMIT; i++) steps.push(...step);
  const q = c.req.quick;
  const t = await c.wall.time(steps, { budgetMs: q ? 0 : c.req.stepBudgetMs, minReps: q ? 1 : 3, maxReps: q ? 1 : 20 });
  const ms = t.ms / STEPS_PER_SUBMIT;
  const B = c.req.batch;
  return { ms_per_step: ms, samples_per_s: (B / ms) * 1000, epoch_seconds: (Math.ceil(54000 / B) * ms) / 1000, batch: B, steps_per_submit: STEPS_PER_SUBMIT };
}

/** The evaluation pass at inferBatch on test images, for sections 5 and 6. */
export function createInference(c: BenchContext): Pass {
  const n = c.req.inferBatch;
  const testData = uploadSplit(c.device, c.data.test, n, DEFAULT_MODEL.inputSize, 'test');
  const infer = new Pass(c.ctx, DEFAULT_MODEL, { label: 'infer', count: n, batch: n, training: false }, { data: testData, params: c.params, grads: c.grads, state: createStepState(c.device, 0) });
  infer.setOrder(identityOrder(n));
  return infer;
}

/** 5. Inference: GPU time, the same forward kernel by kernel, and with the logits read back. */
export async function timeInference(c: BenchContext, infer: Pass): Promise<{ infer: BenchResult['infer']; inferKernels: KernelRow[] }> {
  const n = c.req.inferBatch;
  const gpuTiming = await c.timer.time(infer.inferBatch(0), c.budget);
  const inferKernels = await timeLayers(infer.mainPlan.layers, c.timer, c.budget);
  const staging = c.device.createBuffer({ size: n * DEFAULT_MODEL.classes * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }); // (n, classes)
  // One pass end to end with the logits read back, paired with one without (waiting for the
  // queue instead), alternating: the readback's cost is the median of the pairs' differences,
  // which a shared machine's drift between two separate measurements would swamp.
  const onePass = async (readBack: boolean): Promise<number> => {
    const t0 = performance.now();
    const e = c.device.createCommandEncoder();
    encodeDispatches(e, infer.inferBatch(0));
    if (readBack) e.copyBufferToBuffer(infer.logits(0), 0, staging, 0, staging.size);
    c.device.queue.submit([e.finish()]);
    if (readBack) {
      await staging.mapAsync(GPUMapMode.READ);
      staging.unmap();
    } else await c.device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
  const withReadback: number[] = [];
  const readback: number[] = [];
  for (let i = 0; i < (c.req.quick ? 2 : 5); i++) {
    const [first, second] = i % 2 === 0 ? [true, false] : [false, true];
    const a = await onePass(first);
    const b = await onePass(second);
    const [withIt, without] = first ? [a, b] : [b, a];
    withReadback.push(withIt);
    readback.push(withIt - without);
  }
  staging.destroy();
  return {
    inferKernels,
    infer: { images_per_s: (n / gpuTiming.ms) * 1000, ms_per_1000: (gpuTiming.ms * 1000) / n, ms_with_readback: median(withReadback), readback_ms: median(readback), batch: n },
  };
}

/** 6. conv2d_1's forward beside its arithmetic-only twin, at the inference batch on its real input. */
export function measureFloor(c: BenchContext, infer: Pass): Promise<ArithmeticFloor | undefined> {
  const conv2 = DEFAULT_MODEL.layers.find((l) => l.spec.name === 'conv2d_1')!;
  const [ho, wo] = conv2.outputShape;
  const input = infer.mainPlan.activations.get(DEFAULT_MODEL.layers[conv2.index - 1].spec.name)!; // (B, ...conv2d_1's input shape)
  return measureArithmeticFloor(
    c.ctx,
    // As the training plan builds it: the floor pool after it reads 2*floor(Ho/2) x 2*floor(Wo/2).
    { ...convConfig(conv2, c.req.inferBatch, true), usedOutputHeight: 2 * Math.floor(ho / 2), usedOutputWidth: 2 * Math.floor(wo / 2) },
    { input, params: c.params },
    c.timer,
    c.budget,
  );
}
