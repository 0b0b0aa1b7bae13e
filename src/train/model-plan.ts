// The model up to one batch size: every activation and gradient buffer allocated once for
// `batch` samples, every segment's dispatches prepared once (src/layers/segments.ts splits the
// model into single layers and fused runs of layers). The kernels read the batch size at run time
// (src/gpu/batch-size.ts), so the same dispatches serve any batch of 1 .. `batch` samples:
// `at(count)` gives them re-sized (a partial last batch), `resized(count)` through one uniform the
// caller re-writes (a prediction of any number of images); no pipeline or bind group is added. `train` is one training step's forward and backward
// (gather .. gradients written into `grads`); `inference` is the evaluation forward pass (no
// dropout) ending in the loss and per-batch metrics. The trainer brackets `train` with
// step_begin, the optimizer and step_end. An evaluation plan (training: false) builds every
// layer inference-only (no backward kernels, bind groups or scratch buffers) and allocates
// no gradient buffers. A training plan built with `inputGradient` also computes dL/d the
// model's input (the first layer's input gradient, which training skips), and one built
// `unfused` builds every layer on its own: the explainer (src/explain/) uses both.
import type { ModelInfo, LayerInfo } from '../model/model-info.ts';
import { shapeSize } from '../model/model-info.ts';
import { createStorageBuffer } from '../gpu/buffers.ts';
import type { Dispatch } from '../gpu/kernel.ts';
import type { GpuContext } from '../layers/types.ts';
import { createGather } from '../layers/gather.ts';
import { createSoftmaxXent } from '../layers/loss.ts';
import { FUSIONS } from '../layers/fusions.ts';
import { planSegments, type BuiltSegment, type PlanPart, type SegmentPlanContext } from '../layers/segments.ts';
import { dropoutLayerId } from '../layers/dropout-rng.ts';
import type { InputScaling } from '../data/image-dataset.ts';
import { createChooser, type KernelChoices, type KernelChooser, type KernelSlot } from '../gpu/kernel-registry.ts';
import { BatchSize } from '../gpu/batch-size.ts';
import { resizeDispatch } from '../gpu/kernel.ts';

/** Buffers owned by the trainer and shared by all of its plans. */
export interface SharedBuffers {
  params: GPUBuffer; // (params.length) f32
  grads: GPUBuffer; // (params.length) f32
  state: GPUBuffer; // StepState
  images: GPUBuffer; // (N * inputSize / 4) u32, 4 pixels per word
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
  /** Build the backward pass and dropout (false: an evaluation-only plan). */
  training: boolean;
  /** Overrides of the registry's fixed rules by layer and pass (src/gpu/kernel-registry.ts). */
  kernels?: KernelChoices;
  /** Also keep a batch size whose count each `resized` call sets (made now, so that using it creates nothing). */
  resizable?: boolean;
  /** What the gather makes of the images' bytes (default 'divide-255': MNIST, Fashion-MNIST). */
  scaling?: InputScaling;
  /**
   * Training plans: also compute dL/d the model's input (`inputGradient`): every segment gets
   * an input gradient, the first one too (training never needs it).
   */
  inputGradient?: boolean;
  /** Build every layer on its own (no fusion): each layer's output and dL/d output stored as Keras defines them. */
  unfused?: boolean;
}

/** A plan's dispatches for one batch size. */
export interface PlanDispatches {
  readonly train: Dispatch[];
  readonly inference: Dispatch[];
}

/** One layer's share of the plan (for per-kernel benchmarks and debugging). */
export type PlanLayer = PlanPart;

/** One segment of the plan (src/layers/segments.ts), for validating it tensor by tensor. */
export interface PlanSegment {
  /** The layers it computes, by name, in model order (a fusion: several). */
  readonly layers: readonly string[];
  /** It computes nothing: its output (and input gradient) is its input (and output gradient). */
  readonly identity: boolean;
  /**
   * Its inner layers whose output it stores in a buffer of its own (`activations`), with
   * dL/d their pre-activation (`gradients`) in training; the plan lists the segment's output
   * for its other layers.
   */
  readonly inner: readonly string[];
}

export interface ModelPlan {
  /** Samples per batch at most: every buffer is sized for it. */
  readonly batch: number;
  /** The batch size `train` and `inference` are sized for (`batch` samples, stride `batch`). */
  readonly batchSize: BatchSize;
  /** Layers (and the gather and loss) in forward order with their dispatches. */
  readonly layers: PlanLayer[];
  /** (B, ...input shape) f32: the gathered images. */
  readonly input: GPUBuffer;
  /** (B) u32: the gathered labels. */
  readonly labels: GPUBuffer;
  /** (B, ...input shape) f32: dL/d input (a plan built with inputGradient only). */
  readonly inputGradient?: GPUBuffer;
  /**
   * Each layer's output by layer name (a layer that computes nothing shares its input's
   * buffer; a fused layer whose own output is not stored shares its segment's output).
   */
  readonly activations: ReadonlyMap<string, GPUBuffer>;
  /**
   * dL/d each layer's output by layer name (training plans; absent where nothing reads it).
   * Where a fusion applies a layer's activation derivative for it (conv-pool-dropout,
   * dense-relu-dropout), that layer's entry is dL/d its pre-activation.
   */
  readonly gradients: ReadonlyMap<string, GPUBuffer>;
  /** Forward + loss + backward of one training step (empty for an evaluation plan). */
  readonly train: Dispatch[];
  /** Forward without dropout + loss + per-batch metrics (empty for a training plan). */
  readonly inference: Dispatch[];
  /** (B, classes) logits of the last forward pass. */
  readonly logits: GPUBuffer;
  /** The segments in forward order: which layers each computes and which tensors it stores. */
  readonly segments: readonly PlanSegment[];
  /** Every kernel choice the plan made, in build order (tunableSlots() keeps those with a choice). */
  readonly kernelSlots: readonly KernelSlot[];
  /**
   * `train` and `inference` for a batch of `count` samples (1 .. batch; batch k's samples at
   * k * batch in the index buffer): the same pipelines and bind groups, the grids for `count`.
   * Built on the first call for each count (with that count's BatchSize, released by destroy).
   */
  at(count: number): PlanDispatches;
  /**
   * The dispatches for `count` samples through the plan's re-writable BatchSize (a `resizable`
   * plan): each call re-writes it, so submit what one call gives before the next call.
   */
  resized(count: number): PlanDispatches;
  destroy(): void;
}

function segmentContext(model: ModelInfo, training: boolean, kernels: KernelChooser): SegmentPlanContext {
  const last = model.layers[model.layers.length - 1];
  return {
    training,
    dropoutId: (l: LayerInfo) => dropoutLayerId(model.layers, l),
    isLast: (l: LayerInfo) => l === last,
    kernels,
  };
}

export function createModelPlan(ctx: GpuContext, model: ModelInfo, config: ModelPlanConfig, shared: SharedBuffers): ModelPlan {
  const { device } = ctx;
  const B = config.batch;
  const { training } = config;
  const owned: { destroy(): void }[] = [];
  const built: BuiltSegment[] = [];
  const f32 = (elements: number, label: string) => {
    const b = createStorageBuffer(device, elements * 4, `${label} B=${B}`);
    owned.push(b);
    return b;
  };
  try {
    const batchSize = new BatchSize(ctx.root, B, B, `batch ${B}`);
    owned.push(batchSize);
    const input = f32(B * model.inputSize, 'input'); // (B, H, W, C)
    const labels = createStorageBuffer(device, B * 4, `labels B=${B}`); // (B) u32
    owned.push(labels);
    const gather = createGather(
      ctx,
      { batch: B, imageCount: config.imageCount, pixels: model.inputSize, scaling: config.scaling },
      { images: shared.images, labels: shared.labels, indices: shared.indices, state: shared.state, output: input, outputLabels: labels, batchSize },
    );
    built.push({ parts: [], destroy: gather.destroy });

    const activations = new Map<string, GPUBuffer>();
    const gradients = new Map<string, GPUBuffer>();
    const parts: PlanPart[] = [{ name: 'gather', forward: [gather.dispatch], backward: [] }];
    const segments: PlanSegment[] = [];
    let current = input; // (B, ...shape) the running activation
    if (config.inputGradient && !training) throw new Error('model plan: an input gradient needs a training plan');
    const inputGradient = config.inputGradient ? f32(B * model.inputSize, 'd input') : undefined;
    let currentGrad: GPUBuffer | undefined = inputGradient; // dL/d current (absent until a layer with weights is behind)
    const kernelSlots: KernelSlot[] = [];
    const chooser = createChooser(config.kernels, kernelSlots);
    for (const seg of planSegments(model.layers, segmentContext(model, training, chooser), config.unfused ? [] : FUSIONS)) {
      const last = seg.layers[seg.layers.length - 1];
      let inner: NonNullable<BuiltSegment['inner']> = [];
      if (!seg.identity) {
        const count = B * shapeSize(last.outputShape);
        const output = f32(count, last.spec.name); // (B, ...output shape)
        const hasWeights = seg.layers.some((l) => l.weights.length > 0);
        // dL/d output is needed when this segment (or one before it) has weights to train.
        const outputGrad = training && (hasWeights || currentGrad) ? f32(count, `d ${last.spec.name}`) : undefined;
        const b = seg.build(ctx, {
          batch: B, batchSize, input: current, inputGrad: currentGrad, output, outputGrad,
          params: shared.params, grads: training ? shared.grads : undefined, state: shared.state,
        });
        built.push(b);
        parts.push(...b.parts);
        current = output;
        currentGrad = outputGrad;
        inner = b.inner ?? [];
      }
      segments.push({ layers: seg.layers.map((l) => l.spec.name), identity: seg.identity, inner: inner.map((t) => t.layer) });
      for (const l of seg.layers) {
        const own = inner.find((t) => t.layer === l.spec.name);
        activations.set(l.spec.name, own?.activation ?? current);
        const grad = own?.gradient ?? currentGrad;
        if (grad) gradients.set(l.spec.name, grad);
      }
    }

    const logits = current; // (B, classes): the final softmax is the loss's
    const loss = createSoftmaxXent(
      ctx,
      { batch: B, classes: model.classes, slots: config.slots, inferenceOnly: !training },
      { logits, labels, logitsGrad: currentGrad, state: shared.state, batchLoss: shared.batchLoss, batchCorrect: shared.batchCorrect, batchSize },
    );
    built.push({ parts: [], destroy: () => loss.destroy() });
    parts.push({ name: 'loss', forward: training ? loss.forward : loss.inference, backward: loss.backward });
    if (training && !currentGrad) throw new Error('the model has no weights to train');
    const unused = chooser.unused();
    if (unused.length) throw new Error(`kernel choices that match no layer and pass of this ${training ? 'training' : 'evaluation'} plan: ${unused.join(', ')}`);

    const forward = parts.flatMap((p) => p.forward);
    const backward = parts
      .slice()
      .reverse()
      .flatMap((p) => p.backward);
    const full: PlanDispatches = { train: training ? [...forward, ...backward] : [], inference: training ? [] : forward };
    const sizedFor = (size: BatchSize): PlanDispatches => ({
      train: full.train.map((d) => resizeDispatch(d, size)),
      inference: full.inference.map((d) => resizeDispatch(d, size)),
    });
    const checkCount = (count: number) => {
      if (!Number.isInteger(count) || count < 1 || count > B) throw new Error(`model plan: a batch of ${count} samples; the plan holds 1 .. ${B}`);
    };
    const bySize = new Map<number, PlanDispatches>([[B, full]]);
    const variable = config.resizable ? new BatchSize(ctx.root, B, B, 'batch (re-sized)') : undefined;
    if (variable) owned.push(variable);
    let lastResized: { count: number; dispatches: PlanDispatches } | undefined;
    return {
      batch: B,
      batchSize,
      layers: parts.filter((p) => p.forward.length + p.backward.length > 0),
      input,
      labels,
      inputGradient,
      activations,
      gradients,
      train: full.train,
      inference: full.inference,
      logits,
      segments,
      kernelSlots,
      at(count) {
        checkCount(count);
        let dispatches = bySize.get(count);
        if (!dispatches) {
          const size = new BatchSize(ctx.root, count, B, `batch ${count} of ${B}`);
          owned.push(size);
          dispatches = sizedFor(size);
          bySize.set(count, dispatches);
        }
        return dispatches;
      },
      resized(count) {
        checkCount(count);
        if (!variable) throw new Error('model plan: resized() needs a plan built with resizable: true');
        variable.resize(count);
        if (lastResized?.count !== count) lastResized = { count, dispatches: sizedFor(variable) };
        return lastResized.dispatches;
      },
      destroy() {
        for (const b of built) b.destroy();
        for (const b of owned) b.destroy();
      },
    };
  } catch (e) {
    for (const b of built) b.destroy();
    for (const b of owned) b.destroy();
    throw e;
  }
}

/** The dispatches of `layer` that the registry entry `kernelId` made (e.g. one per tile class): one slot's kernel, to time alone. */
export function kernelDispatches(plan: ModelPlan, layer: string, kernelId: string): Dispatch[] {
  const part = plan.layers.find((l) => l.name === layer);
  return [...(part?.forward ?? []), ...(part?.backward ?? [])].filter((d) => d.kernel?.id === kernelId);
}
