// The model at one batch size: every activation and gradient buffer allocated once, every
// segment's dispatches prepared once (src/layers/segments.ts splits the model into single
// layers and fused runs of layers). `train` is one training step's forward and backward
// (gather .. gradients written into `grads`); `inference` is the evaluation forward pass (no
// dropout) ending in the loss and per-batch metrics. The trainer brackets `train` with
// step_begin, the optimizer and step_end. An evaluation plan (training: false) builds every
// layer inference-only (no backward kernels, bind groups or scratch buffers) and allocates
// no gradient buffers.
import type { ModelInfo, LayerInfo } from '../model/model-info.ts';
import { shapeSize } from '../model/model-info.ts';
import { createStorageBuffer } from '../gpu/buffers.ts';
import type { Dispatch } from '../gpu/kernel.ts';
import type { GpuContext } from '../layers/types.ts';
import { createGather } from '../layers/gather.ts';
import { createSoftmaxXent } from '../layers/loss.ts';
import { planSegments, type BuiltSegment, type PlanPart, type SegmentPlanContext } from '../layers/segments.ts';
import { dropoutLayerId } from '../layers/dropout-rng.ts';
import type { InputScaling } from '../data/image-dataset.ts';
import { createChooser, type KernelChoices, type KernelChooser, type KernelSlot } from '../gpu/kernel-registry.ts';

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
  /** What the gather makes of the images' bytes (default 'divide-255': MNIST, Fashion-MNIST). */
  scaling?: InputScaling;
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
  readonly batch: number;
  /** Layers (and the gather and loss) in forward order with their dispatches. */
  readonly layers: PlanLayer[];
  /** (B, ...input shape) f32: the gathered images. */
  readonly input: GPUBuffer;
  /** (B) u32: the gathered labels. */
  readonly labels: GPUBuffer;
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
  const owned: GPUBuffer[] = [];
  const built: BuiltSegment[] = [];
  const f32 = (elements: number, label: string) => {
    const b = createStorageBuffer(device, elements * 4, `${label} B=${B}`);
    owned.push(b);
    return b;
  };
  try {
    const input = f32(B * model.inputSize, 'input'); // (B, H, W, C)
    const labels = createStorageBuffer(device, B * 4, `labels B=${B}`); // (B) u32
    owned.push(labels);
    const gather = createGather(
      ctx,
      { batch: B, imageCount: config.imageCount, pixels: model.inputSize, scaling: config.scaling },
      { images: shared.images, labels: shared.labels, indices: shared.indices, state: shared.state, output: input, outputLabels: labels },
    );
    built.push({ parts: [], destroy: gather.destroy });

    const activations = new Map<string, GPUBuffer>();
    const gradients = new Map<string, GPUBuffer>();
    const parts: PlanPart[] = [{ name: 'gather', forward: [gather.dispatch], backward: [] }];
    const segments: PlanSegment[] = [];
    let current = input; // (B, ...shape) the running activation
    let currentGrad: GPUBuffer | undefined; // dL/d current (absent until a layer with weights is behind)
    const kernelSlots: KernelSlot[] = [];
    const chooser = createChooser(config.kernels, kernelSlots);
    for (const seg of planSegments(model.layers, segmentContext(model, training, chooser))) {
      const last = seg.layers[seg.layers.length - 1];
      let inner: NonNullable<BuiltSegment['inner']> = [];
      if (!seg.identity) {
        const count = B * shapeSize(last.outputShape);
        const output = f32(count, last.spec.name); // (B, ...output shape)
        const hasWeights = seg.layers.some((l) => l.weights.length > 0);
        // dL/d output is needed when this segment (or one before it) has weights to train.
        const outputGrad = training && (hasWeights || currentGrad) ? f32(count, `d ${last.spec.name}`) : undefined;
        const b = seg.build(ctx, {
          batch: B, input: current, inputGrad: currentGrad, output, outputGrad,
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
      { logits, labels, logitsGrad: currentGrad, state: shared.state, batchLoss: shared.batchLoss, batchCorrect: shared.batchCorrect },
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
    return {
      batch: B,
      layers: parts.filter((p) => p.forward.length + p.backward.length > 0),
      input,
      labels,
      activations,
      gradients,
      train: training ? [...forward, ...backward] : [],
      inference: training ? [] : forward,
      logits,
      segments,
      kernelSlots,
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
