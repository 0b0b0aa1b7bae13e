// The vocabulary of segments (see src/layers/segments.ts): what a segment builder receives and returns.
import type { Dispatch } from '../gpu/kernel.ts';
import type { LayerInfo } from '../model/model-info.ts';
import { shapeSize } from '../model/model-info.ts';
import type { KernelChooser } from '../gpu/kernel-registry.ts';
import type { GpuContext } from './types.ts';
import type { BatchSize } from '../gpu/batch-size.ts';

export interface SegmentIo {
  batch: number;
  /** The plan's batch size uniform (holding `batch` samples), which every batch-dependent kernel reads. */
  batchSize: BatchSize;
  /** (B, ...input shape) f32: the previous segment's output (or the gathered images). */
  input: GPUBuffer;
  /** dL/d input, same shape: absent in evaluation and where nothing before needs it. */
  inputGrad?: GPUBuffer;
  /** (B, ...output shape) f32, allocated by the plan (unused by an identity segment). */
  output: GPUBuffer;
  /** dL/d output, same shape (training only). */
  outputGrad?: GPUBuffer;
  params: GPUBuffer;
  grads?: GPUBuffer;
  /** StepState: seed and step select the dropout masks. */
  state: GPUBuffer;
}

/** One layer's dispatches (per-layer benchmarks and debugging). */
export interface PlanPart {
  name: string;
  forward: Dispatch[];
  backward: Dispatch[];
}

export interface BuiltSegment {
  /** Training plans: forward and backward per layer; evaluation plans: the inference dispatches. */
  parts: PlanPart[];
  /**
   * Tensors of a fused segment's inner layers that it stores in buffers of its own (a conv's
   * output before the pool; the gradient there is dL/d(pre-activation) where the fusion applies
   * the activation's derivative). The plan lists the segment's output for every other layer.
   */
  inner?: { layer: string; activation?: GPUBuffer; gradient?: GPUBuffer }[];
  destroy(): void;
}

export interface SegmentPlanContext {
  training: boolean;
  /** The dropout-mask id of a Dropout layer (1 for the first Dropout of the model, 2 for the next...). */
  dropoutId(layer: LayerInfo): number;
  /** Whether the segment holds the model's last layer (whose softmax the loss computes). */
  isLast(layer: LayerInfo): boolean;
  /** Picks each layer's kernels from the registry (the fixed rules unless the plan was given choices). */
  kernels: KernelChooser;
}

export interface Segment {
  /** The layers it computes, consecutive, in model order. */
  readonly layers: readonly LayerInfo[];
  /** True when it computes nothing: its output (and input gradient) is its input (and output gradient). */
  readonly identity: boolean;
  build(ctx: GpuContext, io: SegmentIo): BuiltSegment;
}

/** A fusion: looks at the layers from `start` and returns the segment it builds, or undefined. */
export interface Fusion {
  readonly name: string;
  match(layers: readonly LayerInfo[], start: number, pc: SegmentPlanContext): Segment | undefined;
}

/** A single-layer builder: returns the layer's segment, or undefined where its configuration is not one it handles. */
export type SingleLayerBuilder = (layer: LayerInfo, pc: SegmentPlanContext) => Segment | undefined;

/** Elements per sample of a layer's output. */
export function outputCount(layer: LayerInfo): number {
  return shapeSize(layer.outputShape);
}

/** A segment that computes nothing. */
export function identitySegment(layer: LayerInfo): Segment {
  return {
    layers: [layer],
    identity: true,
    build: () => ({ parts: [], destroy() {} }),
  };
}
