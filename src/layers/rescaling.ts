// The Rescaling layer on the GPU: forward y = x * scale + offset, backward dx = dy * scale,
// one element per invocation (shaders/rescaling_forward.wgsl, rescaling_backward.wgsl). The
// backward is built only where something before the layer needs dL/dx (it is not the first
// layer with weights behind it). Registered for its type in src/layers/gpu-layers.ts.
import { entryDispatch, entryKernel, type KernelEntry } from '../gpu/kernel-registry.ts';
import { layerBatchSize, type BatchSize } from '../gpu/batch-size.ts';
import { outputCount, type SingleLayerBuilder } from './segment-types.ts';
import { layerSegment } from './single-layers.ts';
import { gradientOnlyLayout, inputOutputLayout } from './elementwise-layouts.ts';
import type { GpuContext, LayerPlan } from './types.ts';
import type { GpuLayerDefinition } from './gpu-layers.ts';

/** Invocations per workgroup of both kernels (one element each). */
export const RESCALING_WORKGROUP_SIZE = 256;

export interface RescalingConfig {
  name: string;
  batch: number;
  /** Elements per sample. */
  count: number;
  scale: number;
  offset: number;
  /** No backward (evaluation, or nothing before the layer needs dL/dx). */
  inferenceOnly: boolean;
}

export interface RescalingBuffers {
  /** (B, count) f32 */
  input: GPUBuffer;
  /** (B, count) f32 */
  output: GPUBuffer;
  /** (B, count) f32, dL/dy (unless inferenceOnly) */
  outputGrad?: GPUBuffer;
  /** (B, count) f32, dL/dx (unless inferenceOnly) */
  inputGrad?: GPUBuffer;
  /** The batch size the kernels read (default: one of the layer's own holding B). */
  batchSize?: BatchSize;
}

function rescalingEntry(pass: 'forward' | 'backward', shader: string, constants: (c: RescalingConfig) => Record<string, number>): KernelEntry<RescalingConfig> {
  return {
    id: `rescaling.${pass}.elementwise`,
    layerType: 'Rescaling',
    pass,
    shaders: [shader],
    workgroupSize: RESCALING_WORKGROUP_SIZE,
    supports: () => true,
    constants: (c) => ({ WORKGROUP_SIZE: RESCALING_WORKGROUP_SIZE, SAMPLE_COUNT: c.count, ...constants(c) }),
    items: (c) => c.batch * c.count,
    cost: (c) => ({ shape: `(${c.batch},${c.count})`, flops: 2 * c.batch * c.count, bytes: 8 * c.batch * c.count }),
  };
}

export const RESCALING_KERNELS = {
  forward: rescalingEntry('forward', 'rescaling_forward', (c) => ({ SCALE: c.scale, OFFSET: c.offset })),
  backward: rescalingEntry('backward', 'rescaling_backward', (c) => ({ SCALE: c.scale })),
} as const;

const forwardLayout = inputOutputLayout;
const backwardLayout = gradientOnlyLayout;

export function createRescaling(ctx: GpuContext, config: RescalingConfig, buffers: RescalingBuffers): LayerPlan {
  const { name, batch, count, scale, offset, inferenceOnly } = config;
  if (!Number.isInteger(batch * count) || batch * count < 1) throw new Error(`${name}: bad shape ${batch} x ${count}`);
  if (!Number.isFinite(scale) || !Number.isFinite(offset)) throw new Error(`${name}: scale and offset must be finite`);
  const { outputGrad, inputGrad } = buffers;
  if (!inferenceOnly && (!outputGrad || !inputGrad)) throw new Error(`${name}: outputGrad and inputGrad are required unless inferenceOnly`);
  const size = layerBatchSize(ctx.root, batch, buffers.batchSize);
  const K = RESCALING_KERNELS;
  const fwd = entryKernel(ctx.root, K.forward, config, { layout: forwardLayout, variant: name });
  const forward = [entryDispatch(fwd, K.forward, config, fwd.bind({ input: buffers.input, output: buffers.output }), size.size, `${name}.forward`)];
  if (inferenceOnly) return { forward, backward: [], destroy: size.destroy };
  const bwd = entryKernel(ctx.root, K.backward, config, { layout: backwardLayout, variant: name });
  const backward = [entryDispatch(bwd, K.backward, config, bwd.bind({ outputGrad: outputGrad!, inputGrad: inputGrad! }), size.size, `${name}.backward`)];
  return { forward, backward, destroy: size.destroy };
}

const rescaling: SingleLayerBuilder = (l, pc) => {
  if (l.spec.type !== 'Rescaling') return undefined;
  const { scale, offset } = l.spec.options;
  return layerSegment(l, pc.training, (ctx, io) =>
    createRescaling(
      ctx,
      { name: l.spec.name, batch: io.batch, count: outputCount(l), scale, offset, inferenceOnly: !pc.training || !io.inputGrad },
      { input: io.input, output: io.output, outputGrad: io.outputGrad, inputGrad: io.inputGrad, batchSize: io.batchSize },
    ),
  );
};

export const RESCALING_GPU: GpuLayerDefinition = { builders: [rescaling], kernels: Object.values(RESCALING_KERNELS) };
