// Softmax + categorical cross-entropy (Keras, from logits) and the per-batch metrics.
//
//   forward   = [softmax_xent_forward, batch_metrics(state)]
//               per-sample loss/correct/prediction, then ONE workgroup sums them into
//               batchLoss[state.batch] (f32 sum of losses) and batchCorrect[state.batch] (u32 count)
//   backward  = [softmax_xent_backward]   dlogits = (softmax(z) - onehot(label)) / batch
//               (empty, and no backward kernel built, when shape.inferenceOnly)
//   inference = [softmax_xent_forward, batch_metrics(evalState ?? state)]
//
// Evaluation: an evaluator builds its OWN instance (e.g. batch 500, slots 20 for a test set of
// 10,000 images) with its own batchLoss/batchCorrect arrays and its own StepState (`evalState`,
// see step-state.ts): writeEpochStart(evalState) before the pass; per evaluation batch
// gather(evalState) -> forward layers (inference) -> `inference` -> stepEnd(evalState). The slot is
// evalState.batch, so the per-batch sums land in slots 0..19 and the trainer's state is never
// touched. The host sums the slots after the pass (loss = sum / images, accuracy = count / images).
// Without evalState, `inference` uses `state` (same slots as training).
//
// The host divides batchLoss[s] by the batch size for the mean batch loss. A slot index >= slots
// is ignored by the kernel.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import type { Dispatch } from '../gpu/kernel.ts';
import { entryGrid, entryKernel, type KernelEntry } from '../gpu/kernel-registry.ts';
import { createStorageBuffer } from '../gpu/buffers.ts';
import { StepState } from '../gpu/state.ts';
import type { GpuContext } from './types.ts';

/** Invocations per workgroup of the per-sample loss kernels (one sample each). */
export const LOSS_WORKGROUP_SIZE = 64;
/** Invocations of the single batch_metrics workgroup (a power of two). */
export const METRICS_WORKGROUP_SIZE = 64;

export interface SoftmaxXentShape {
  /** Batch size B of this instance. */
  batch: number;
  /** Number of classes (the model's last layer's units). */
  classes: number;
  /** Length of batchLoss / batchCorrect (steps per epoch, or evaluation batches). */
  slots: number;
  /** Evaluation only: no backward pipeline or bind group (`backward` is empty; logitsGrad not needed). */
  inferenceOnly?: boolean;
}

function lossEntry(pass: 'forward' | 'backward' | 'metrics', variant: string, shader: string, rest: Pick<KernelEntry<SoftmaxXentShape>, 'workgroupSize' | 'constants' | 'items' | 'cost'>): KernelEntry<SoftmaxXentShape> {
  return { id: `loss.${pass}.${variant}`, layerType: 'Loss', pass, shaders: [shader], supports: () => true, ...rest };
}
const perSample = (c: SoftmaxXentShape) => ({ WORKGROUP_SIZE: LOSS_WORKGROUP_SIZE, BATCH: c.batch, CLASSES: c.classes });

/** The loss's kernels: one invocation per sample (log-sum-exp, ~4 ops a logit), and the per-batch sums in one workgroup. */
export const LOSS_KERNELS = {
  forward: lossEntry('forward', 'softmax-xent', 'softmax_xent_forward', {
    workgroupSize: LOSS_WORKGROUP_SIZE, constants: perSample, items: (c) => c.batch,
    cost: (c) => ({ shape: `(${c.batch},${c.classes})`, flops: 4 * c.batch * c.classes, bytes: 4 * (c.batch * c.classes + 4 * c.batch) }),
  }),
  backward: lossEntry('backward', 'softmax-xent', 'softmax_xent_backward', {
    workgroupSize: LOSS_WORKGROUP_SIZE, constants: perSample, items: (c) => c.batch,
    cost: (c) => ({ shape: `(${c.batch},${c.classes})`, flops: 4 * c.batch * c.classes, bytes: 4 * (2 * c.batch * c.classes + c.batch) }),
  }),
  metrics: lossEntry('metrics', 'one-workgroup', 'batch_metrics', {
    workgroupSize: METRICS_WORKGROUP_SIZE,
    constants: (c) => ({ WORKGROUP_SIZE: METRICS_WORKGROUP_SIZE, BATCH: c.batch, SLOTS: c.slots }),
    items: () => METRICS_WORKGROUP_SIZE,
    cost: (c) => ({ shape: `(${c.batch})`, flops: 2 * c.batch, bytes: 8 * c.batch }),
  }),
} as const;

export interface SoftmaxXentBindings {
  /** (B, classes) f32, read. */
  logits: GPUBuffer;
  /** (B) u32, read. */
  labels: GPUBuffer;
  /** (B, classes) f32, written by backward; required unless inferenceOnly. */
  logitsGrad?: GPUBuffer;
  /** StepState; forward reads .batch as the metrics slot. */
  state: GPUBuffer;
  /** (slots) f32, written one element per forward/inference. */
  batchLoss: GPUBuffer;
  /** (slots) u32, written one element per forward/inference. */
  batchCorrect: GPUBuffer;
  /** Optional StepState whose .batch is the slot for `inference` (default: state). */
  evalState?: GPUBuffer;
}

export interface SoftmaxXentPlan {
  forward: Dispatch[];
  backward: Dispatch[];
  inference: Dispatch[];
  /** (B) f32 per-sample losses of the last forward/inference (scratch owned here). */
  losses: GPUBuffer;
  /** (B) u32 per-sample 1/0 correct flags. */
  correct: GPUBuffer;
  /** (B) u32 per-sample predicted class (argmax, ties -> lowest index). */
  predictions: GPUBuffer;
  destroy(): void;
}

const forwardLayout = tgpu.bindGroupLayout({
  logits: { storage: d.arrayOf(d.f32), access: 'readonly' },
  labels: { storage: d.arrayOf(d.u32), access: 'readonly' },
  losses: { storage: d.arrayOf(d.f32), access: 'mutable' },
  correct: { storage: d.arrayOf(d.u32), access: 'mutable' },
  pred: { storage: d.arrayOf(d.u32), access: 'mutable' },
});

const backwardLayout = tgpu.bindGroupLayout({
  logits: { storage: d.arrayOf(d.f32), access: 'readonly' },
  labels: { storage: d.arrayOf(d.u32), access: 'readonly' },
  dlogits: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

const metricsLayout = tgpu.bindGroupLayout({
  state: { storage: StepState, access: 'readonly' },
  losses: { storage: d.arrayOf(d.f32), access: 'readonly' },
  correct: { storage: d.arrayOf(d.u32), access: 'readonly' },
  batchLoss: { storage: d.arrayOf(d.f32), access: 'mutable' },
  batchCorrect: { storage: d.arrayOf(d.u32), access: 'mutable' },
});

function checkShape({ batch, classes, slots }: SoftmaxXentShape): void {
  for (const [k, v] of Object.entries({ batch, classes, slots })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`createSoftmaxXent: bad ${k} ${v}`);
  }
}

export function createSoftmaxXent(
  ctx: GpuContext,
  shape: SoftmaxXentShape,
  b: SoftmaxXentBindings,
): SoftmaxXentPlan {
  checkShape(shape);
  const { root, device } = ctx;
  const { batch: B, classes: C, slots } = shape;
  const variant = `B${B}`;

  const losses = createStorageBuffer(device, B * 4, `softmax_xent.losses (${B})`);
  const correct = createStorageBuffer(device, B * 4, `softmax_xent.correct (${B})`);
  const predictions = createStorageBuffer(device, B * 4, `softmax_xent.predictions (${B})`);

  const fwd = entryKernel(root, LOSS_KERNELS.forward, shape, { layout: forwardLayout, variant });
  const metrics = entryKernel(root, LOSS_KERNELS.metrics, shape, { layout: metricsLayout, externals: { StepState }, variant });

  const [gx, gy] = entryGrid(LOSS_KERNELS.forward, shape, 'softmax_xent');
  const fwdDispatch = fwd.dispatch(
    fwd.bind({ logits: b.logits, labels: b.labels, losses, correct, pred: predictions }),
    gx,
    gy,
  );
  const metricsFor = (state: GPUBuffer, label: string): Dispatch =>
    metrics.dispatch(
      metrics.bind({ state, losses, correct, batchLoss: b.batchLoss, batchCorrect: b.batchCorrect }),
      1,
      1,
      1,
      label,
    );
  const backward: Dispatch[] = [];
  if (!shape.inferenceOnly) {
    if (!b.logitsGrad) throw new Error('createSoftmaxXent: logitsGrad is required unless inferenceOnly');
    const bwd = entryKernel(root, LOSS_KERNELS.backward, shape, { layout: backwardLayout, variant });
    backward.push(bwd.dispatch(bwd.bind({ logits: b.logits, labels: b.labels, dlogits: b.logitsGrad }), gx, gy));
  }

  return {
    forward: [fwdDispatch, metricsFor(b.state, `${metrics.label}[train]`)],
    backward,
    inference: [fwdDispatch, metricsFor(b.evalState ?? b.state, `${metrics.label}[eval]`)],
    losses,
    correct,
    predictions,
    destroy() {
      losses.destroy();
      correct.destroy();
      predictions.destroy();
    },
  };
}
