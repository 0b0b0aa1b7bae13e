// The model at one batch size: every activation and gradient buffer allocated once, every
// layer's dispatches prepared once. `train` is one training step's forward and backward
// (gather .. gradients written into `grads`); `inference` is the evaluation forward pass
// (no dropout) ending in the loss and per-batch metrics. The trainer brackets `train` with
// step_begin, the optimizer and step_end. An evaluation plan (training: false) builds every
// layer with `inferenceOnly` (no backward kernels, bind groups or scratch buffers), skips the
// dropout layers and allocates no gradient buffers; its conv2d computes conv + ReLU + the first
// max pooling in one kernel (src/layers/conv2d.ts, 'cin1pool'), so it has no a1 buffer.
// Training plans fuse each max pooling with the dropout after it (src/layers/pool-dropout.ts:
// the pooled tensor before dropout is never stored, and the backward writes dA = dL/d(conv
// pre-activation) with the conv's ReLU derivative applied) and dropout_2's backward with the
// dense ReLU's (src/layers/dropout-relu.ts: dH is dL/d(dense pre-activation), so dense takes
// it with outputGradMasked). The conv layers still apply their ReLU mask to dA1/dA2, which
// leaves an already-masked gradient unchanged.
import { C0, C1, C2, CLASSES, FLAT, H1, H2, HIDDEN, IMAGE, P1, P2, USED2 } from '../model/architecture.ts';
import { paramSpec } from '../model/params.ts';
import { createStorageBuffer } from '../gpu/buffers.ts';
import type { Dispatch } from '../gpu/kernel.ts';
import type { GpuContext } from '../layers/types.ts';
import { createGather } from '../layers/gather.ts';
import { createConv2d } from '../layers/conv2d.ts';
import { createPoolDropout } from '../layers/pool-dropout.ts';
import { createDropoutRelu } from '../layers/dropout-relu.ts';
import { createDense } from '../layers/dense.ts';
import { createSoftmaxXent } from '../layers/loss.ts';

/** Buffers owned by the trainer and shared by all of its plans. */
export interface SharedBuffers {
  params: GPUBuffer; // (PARAM_BUFFER_LENGTH) f32
  grads: GPUBuffer; // (PARAM_BUFFER_LENGTH) f32
  state: GPUBuffer; // StepState
  images: GPUBuffer; // (N*784/4) u32, 4 pixels per word
  labels: GPUBuffer; // (N) u32
  indices: GPUBuffer; // (>= slots*batch) u32: which images form each batch
  batchLoss: GPUBuffer; // (slots) f32: sum of per-sample losses of each batch
  batchCorrect: GPUBuffer; // (slots) u32: correct predictions of each batch
}

export interface ModelPlanConfig {
  batch: number;
  /** Images in `images` (bounds for the gather). */
  imageCount: number;
  /** Number of per-batch metric slots (batches per epoch or per evaluation). */
  slots: number;
  /** Dropout rates; ignored when `training` is false. */
  dropout: readonly [number, number, number];
  /** Build the backward pass and dropout (false: an evaluation-only plan). */
  training: boolean;
}

/** One layer's share of the plan (for per-kernel benchmarks and debugging). */
export interface PlanLayer {
  name: string;
  forward: Dispatch[];
  backward: Dispatch[];
}

export interface ModelPlan {
  readonly batch: number;
  /** Layers in forward order with their dispatches (training plans: training forward). */
  readonly layers: PlanLayer[];
  /**
   * Every activation and gradient buffer by name (x0, labels, a1, d1, ..., dA1; p1/p2, the
   * pooled tensors, only in evaluation plans, where d1/d2 alias them); evaluation
   * plans have no a1 (pooled inside conv2d's kernel) and no gradient buffers (no dLogits .. dA1 keys).
   */
  readonly buffers: Readonly<Record<string, GPUBuffer>>;
  /** Forward + loss + backward of one training step (empty for an evaluation plan). */
  readonly train: Dispatch[];
  /** Forward without dropout + loss + per-batch metrics (empty for a training plan). */
  readonly inference: Dispatch[];
  /** (B, 10) logits of the last forward pass. */
  readonly logits: GPUBuffer;
  destroy(): void;
}

const DROPOUT_LAYER_IDS = [1, 2, 3] as const;

/** Stand-in for a layer an evaluation plan does not build (dropout). */
const NO_LAYER = { forward: [] as Dispatch[], backward: [] as Dispatch[], destroy() {} };

/** dL/d of each activation, for a training plan (pooling + dropout fused: no dP1/dP2). */
function createGradients(
  f32: (elements: number, label: string) => GPUBuffer,
  B: number,
): Record<'dLogits' | 'dD3' | 'dH' | 'dD2' | 'dA2' | 'dD1' | 'dA1', GPUBuffer> {
  const dLogits = f32(B * CLASSES, 'dLogits'); // (B, 10)
  const dD3 = f32(B * HIDDEN, 'dD3'); // (B, 128) dL/d dropout_2 output
  const dH = f32(B * HIDDEN, 'dH'); // (B, 128) dL/d dense pre-activation (ReLU derivative applied)
  const dD2 = f32(B * FLAT, 'dD2'); // (B, 1600) dL/d dropout_1 output
  const dA2 = f32(B * H2 * H2 * C2, 'dA2'); // (B, 11, 11, 64) dL/d conv2d_1 pre-activation
  const dD1 = f32(B * P1 * P1 * C1, 'dD1'); // (B, 13, 13, 32) dL/d dropout output
  const dA1 = f32(B * H1 * H1 * C1, 'dA1'); // (B, 26, 26, 32) dL/d conv2d pre-activation
  return { dLogits, dD3, dH, dD2, dA2, dD1, dA1 };
}

export function createModelPlan(ctx: GpuContext, config: ModelPlanConfig, shared: SharedBuffers): ModelPlan {
  const { device } = ctx;
  const B = config.batch;
  const owned: GPUBuffer[] = [];
  const f32 = (elements: number, label: string) => {
    const b = createStorageBuffer(device, elements * 4, `${label} B=${B}`);
    owned.push(b);
    return b;
  };
  const training = config.training;
  const inferenceOnly = !training;
  const rates = training ? config.dropout : ([0, 0, 0] as const);

  // Forward activations (NHWC).
  const x0 = f32(B * IMAGE * IMAGE * C0, 'x0'); // (B, 28, 28, 1)
  const labels = createStorageBuffer(device, B * 4, `labels B=${B}`); // (B) u32
  owned.push(labels);
  // Training only: evaluation plans pool conv2d's output inside its kernel.
  const a1 = training ? f32(B * H1 * H1 * C1, 'a1') : undefined; // (B, 26, 26, 32) post-ReLU
  // Training: pooled + dropout output (fused); evaluation: the pooled output p1 (= d1).
  const d1 = f32(B * P1 * P1 * C1, training ? 'd1' : 'p1'); // (B, 13, 13, 32)
  const a2 = f32(B * H2 * H2 * C2, 'a2'); // (B, 11, 11, 64) post-ReLU
  const d2 = f32(B * FLAT, training ? 'd2' : 'p2'); // (B, 5, 5, 64) = (B, 1600) flattened
  const h = f32(B * HIDDEN, 'h'); // (B, 128) post-ReLU
  const d3 = rates[2] > 0 ? f32(B * HIDDEN, 'd3') : h; // (B, 128)
  const logits = f32(B * CLASSES, 'logits'); // (B, 10)

  // Gradients (dL/d of each activation): training plans only. Evaluation plans build every
  // layer inference-only (no backward kernels or scratch) and allocate none of these.
  const grad = training ? createGradients(f32, B) : undefined;

  const { params, grads, state } = shared;
  const off = (name: string) => paramSpec(name).offset;

  const gather = createGather(
    ctx,
    { batch: B, imageCount: config.imageCount },
    { images: shared.images, labels: shared.labels, indices: shared.indices, state, output: x0, outputLabels: labels },
  );
  const conv1 = createConv2d(
    ctx,
    {
      name: 'conv2d', batch: B, height: IMAGE, width: IMAGE, inChannels: C0, outChannels: C1,
      kernelOffset: off('conv2d/kernel'), biasOffset: off('conv2d/bias'), inferenceOnly,
      // dA1 comes from the fused pool + dropout backward with the ReLU derivative applied.
      outputGradMasked: true,
    },
    a1
      ? { input: x0, output: a1, params, grads, outputGrad: grad?.dA1 }
      : { input: x0, pooledOutput: d1, params },
  );
  // max_pooling2d + dropout (training only: evaluation plans pool inside conv2d's kernel).
  const pool1 = a1
    ? createPoolDropout(
        ctx,
        { name: 'max_pooling2d', batch: B, height: H1, width: H1, channels: C1, rate: rates[0], layerId: DROPOUT_LAYER_IDS[0] },
        { input: a1, output: d1, outputGrad: grad?.dD1, inputGrad: grad?.dA1, state },
      )
    : NO_LAYER;
  const conv2 = createConv2d(
    ctx,
    {
      name: 'conv2d_1', batch: B, height: P1, width: P1, inChannels: C1, outChannels: C2,
      kernelOffset: off('conv2d_1/kernel'), biasOffset: off('conv2d_1/bias'), inferenceOnly,
      outputGradMasked: true,
      // The floor 2x2 pool after it reads rows and columns 0..9 of 11: the backward kernels skip
      // the last row and column, whose gradient the pool's backward sets to zero.
      usedOutputHeight: USED2,
      usedOutputWidth: USED2,
    },
    { input: d1, output: a2, params, grads: training ? grads : undefined, outputGrad: grad?.dA2, inputGrad: grad?.dD1 },
  );
  // max_pooling2d_1 + dropout_1 (evaluation: pooling alone).
  const pool2 = createPoolDropout(
    ctx,
    { name: 'max_pooling2d_1', batch: B, height: H2, width: H2, channels: C2, rate: rates[1], layerId: DROPOUT_LAYER_IDS[1], inferenceOnly },
    { input: a2, output: d2, outputGrad: grad?.dD2, inputGrad: grad?.dA2, state },
  );
  const dense1 = createDense(
    ctx,
    {
      name: 'dense', batch: B, inFeatures: FLAT, outFeatures: HIDDEN, activation: 'relu', useBias: true, outputGradMasked: true,
      weightOffset: off('dense/kernel'), biasOffset: off('dense/bias'), inferenceOnly,
    },
    { input: d2, output: h, params, grads: training ? grads : undefined, outputGrad: grad?.dH, inputGrad: grad?.dD2 },
  );
  const drop3 = grad
    ? createDropoutRelu(
        ctx,
        { name: 'dropout_2', batch: B, count: HIDDEN, rate: rates[2], layerId: DROPOUT_LAYER_IDS[2] },
        { input: h, output: d3, outputGrad: grad.dD3, inputGrad: grad.dH, state },
      )
    : NO_LAYER;
  const dense2 = createDense(
    ctx,
    {
      name: 'dense_1', batch: B, inFeatures: HIDDEN, outFeatures: CLASSES, activation: 'linear', useBias: true,
      weightOffset: off('dense_1/kernel'), biasOffset: off('dense_1/bias'), inferenceOnly,
    },
    { input: d3, output: logits, params, grads: training ? grads : undefined, outputGrad: grad?.dLogits, inputGrad: grad?.dD3 },
  );
  const loss = createSoftmaxXent(
    ctx,
    { batch: B, classes: CLASSES, slots: config.slots, inferenceOnly },
    {
      logits, labels, logitsGrad: grad?.dLogits, state,
      batchLoss: shared.batchLoss, batchCorrect: shared.batchCorrect,
    },
  );

  // A training plan's conv2d_1 reads the dropout output, so only evaluation plans infer.
  const inference = training
    ? []
    : [
        gather.dispatch,
        ...conv1.inference, // conv2d + ReLU + max_pooling2d in one kernel
        ...conv2.inference,
        ...pool2.inference,
        ...dense1.inference,
        ...dense2.inference,
        ...loss.inference,
      ];
  const train = training
    ? [
        gather.dispatch,
        ...conv1.forward,
        ...pool1.forward,
        ...conv2.forward,
        ...pool2.forward,
        ...dense1.forward,
        ...drop3.forward,
        ...dense2.forward,
        ...loss.forward,
        ...loss.backward,
        ...dense2.backward,
        ...drop3.backward,
        ...dense1.backward,
        ...pool2.backward,
        ...conv2.backward,
        ...pool1.backward,
        ...conv1.backward,
      ]
    : [];

  const parts = [gather, conv1, pool1, conv2, pool2, dense1, drop3, dense2, loss];
  const layer = (name: string, p: { forward: Dispatch[]; backward: Dispatch[]; inference?: Dispatch[] }) => ({
    name,
    forward: training ? p.forward : (p.inference ?? p.forward),
    backward: training ? p.backward : [],
  });
  const layers: PlanLayer[] = [
    { name: 'gather', forward: [gather.dispatch], backward: [] },
    layer('conv2d', conv1),
    layer('max_pooling2d', pool1),
    layer('conv2d_1', conv2),
    layer('max_pooling2d_1', pool2),
    layer('dense', dense1),
    layer('dropout_2', drop3),
    layer('dense_1', dense2),
    layer('loss', loss),
  ].filter((l) => l.forward.length + l.backward.length > 0);
  const pooled: Record<string, GPUBuffer> = training ? {} : { p1: d1, p2: d2 };
  const buffers: Record<string, GPUBuffer> = { x0, labels, ...(a1 ? { a1 } : {}), ...pooled, d1, a2, d2, h, d3, logits, ...grad };
  return {
    batch: B,
    layers,
    buffers,
    train,
    inference,
    logits,
    destroy() {
      for (const p of parts) p.destroy();
      for (const b of owned) b.destroy();
    },
  };
}
