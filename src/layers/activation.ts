// The Activation layer (Keras `Activation(...)`) over a (B, count) tensor of any per-sample
// shape: linear | relu | sigmoid | tanh elementwise (vec4 lanes when B*count is a multiple of
// 4), or softmax over each sample's count values (rows), for a softmax that is not the network's
// last layer. The backward takes the derivative from the stored output y, so the forward's
// output buffer must still hold y when the backward runs. An inferenceOnly layer builds the
// forward only.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import type { Dispatch } from '../gpu/kernel.ts';
import { entryGrid, entryKernel, fixedChoice, type KernelEntry } from '../gpu/kernel-registry.ts';
import { activate, activationGrad } from '../gpu/wgsl-lib.ts';
import { activationCode, ELEMENTWISE_ACTIVATIONS, type Activation, type ElementwiseActivation } from '../model/activations.ts';
import type { GpuContext, LayerPlan } from './types.ts';

/** Invocations per workgroup of the elementwise kernels (one lane each). */
export const ACTIVATION_WORKGROUP_SIZE = 256;
/** Invocations per workgroup of the softmax kernels (one row each; rows are few). */
export const SOFTMAX_ROWS_WORKGROUP_SIZE = 64;

/** The elementwise activations plus softmax: what an Activation layer accepts. */
export const ACTIVATION_LAYER_ACTIVATIONS: readonly Activation[] = [...ELEMENTWISE_ACTIVATIONS, 'softmax'];

export interface ActivationConfig {
  name: string;
  batch: number;
  /** Elements per sample; softmax normalises over them (the last axis of a (B, count) tensor). */
  count: number;
  activation: Activation;
  /** Evaluation only: no backward; the gradient buffers are not needed. */
  inferenceOnly?: boolean;
}

export interface ActivationBuffers {
  /** (B, count) f32 */
  input: GPUBuffer;
  /** (B, count) f32, y; read again by the backward */
  output: GPUBuffer;
  /** (B, count) f32, dL/dy (required unless inferenceOnly) */
  outputGrad?: GPUBuffer;
  /** (B, count) f32, dL/dx (required unless inferenceOnly) */
  inputGrad?: GPUBuffer;
}

export type ActivationPlan = LayerPlan & {
  /** Evaluation forward: the same dispatches as `forward`. */
  inference: Dispatch[];
};

// Lane-wise vec4 forms of the shared scalar helpers.
const activate4 = tgpu.fn([d.vec4f, d.u32], d.vec4f)`(x: vec4f, act: u32) -> vec4f {
  return vec4f(activate(x.x, act), activate(x.y, act), activate(x.z, act), activate(x.w, act));
}`
  .$uses({ activate })
  .$name('activate4');

const activationGrad4 = tgpu.fn([d.vec4f, d.u32], d.vec4f)`(y: vec4f, act: u32) -> vec4f {
  return vec4f(activationGrad(y.x, act), activationGrad(y.y, act), activationGrad(y.z, act), activationGrad(y.w, act));
}`
  .$uses({ activationGrad })
  .$name('activationGrad4');

/** Bind group layouts of one pair of kernels whose lanes are `lane` (f32 or vec4f). */
function layoutsFor<T extends d.F32 | d.Vec4f>(lane: T) {
  return {
    forward: tgpu.bindGroupLayout({
      input: { storage: d.arrayOf(lane), access: 'readonly' },
      output: { storage: d.arrayOf(lane), access: 'mutable' },
    }),
    backward: tgpu.bindGroupLayout({
      outputGrad: { storage: d.arrayOf(lane), access: 'readonly' },
      output: { storage: d.arrayOf(lane), access: 'readonly' },
      inputGrad: { storage: d.arrayOf(lane), access: 'mutable' },
    }),
  };
}

const scalarLayouts = layoutsFor(d.f32);
const vec4Layouts = layoutsFor(d.vec4f);

/** vec4 lanes when the tensor divides into them. */
const usesVec4 = (c: ActivationConfig) => (c.batch * c.count) % 4 === 0;
const lanes = (c: ActivationConfig) => (usesVec4(c) ? (c.batch * c.count) / 4 : c.batch * c.count);
const shapeOf = (c: ActivationConfig) => `(${c.batch},${c.count})->(${c.batch},${c.count})`;

/** Elementwise linear | relu | sigmoid | tanh, one lane (f32 or vec4) per invocation. */
function elementwiseEntry(pass: 'forward' | 'backward', shader: string, perElement: { flops: number; tensors: number }): KernelEntry<ActivationConfig> {
  return {
    id: `activation.${pass}.elementwise`,
    layerType: 'Activation',
    pass,
    shaders: [shader],
    workgroupSize: ACTIVATION_WORKGROUP_SIZE,
    supports: (c) => (c.activation !== 'softmax' ? true : 'softmax normalises over rows'),
    constants: (c) => ({ COUNT: lanes(c), ACT: activationCode(c.activation as ElementwiseActivation), WORKGROUP_SIZE: ACTIVATION_WORKGROUP_SIZE }),
    items: lanes,
    cost: (c) => ({ shape: shapeOf(c), flops: perElement.flops * c.batch * c.count, bytes: 4 * perElement.tensors * c.batch * c.count }),
  };
}

/** Softmax over each sample's values, one row per invocation (max, exp-sum, scale: about 4 operations per value). */
function softmaxEntry(pass: 'forward' | 'backward', shader: string, perElement: { flops: number; tensors: number }): KernelEntry<ActivationConfig> {
  return {
    id: `activation.${pass}.softmax-rows`,
    layerType: 'Activation',
    pass,
    shaders: [shader],
    workgroupSize: SOFTMAX_ROWS_WORKGROUP_SIZE,
    supports: (c) => (c.activation === 'softmax' ? true : 'softmax only'),
    constants: (c) => ({ N: c.count, ROWS: c.batch, WORKGROUP_SIZE: SOFTMAX_ROWS_WORKGROUP_SIZE }),
    items: (c) => c.batch,
    cost: (c) => ({ shape: shapeOf(c), flops: perElement.flops * c.batch * c.count, bytes: 4 * perElement.tensors * c.batch * c.count }),
  };
}

/** The Activation layer's kernels; each activation has exactly one entry per pass. */
export const ACTIVATION_KERNELS: readonly KernelEntry<ActivationConfig>[] = [
  elementwiseEntry('forward', 'activation_forward', { flops: 1, tensors: 2 }),
  elementwiseEntry('backward', 'activation_backward', { flops: 2, tensors: 3 }),
  softmaxEntry('forward', 'activation_forward_softmax', { flops: 4, tensors: 2 }),
  softmaxEntry('backward', 'activation_backward_softmax', { flops: 4, tensors: 3 }),
];

/** Layouts and WGSL helpers of `config`'s kernels (vec4 lanes where the tensor divides into them). */
function bindingsFor(config: ActivationConfig): { layouts: typeof scalarLayouts; externals: Record<string, unknown> } {
  if (config.activation === 'softmax') return { layouts: scalarLayouts, externals: {} };
  if (!usesVec4(config)) {
    return { layouts: scalarLayouts, externals: { applyActivation: activate, activationDerivative: activationGrad } };
  }
  // The vec4 layouts differ from the scalar ones only in the lane type the shaders index.
  return { layouts: vec4Layouts as unknown as typeof scalarLayouts, externals: { applyActivation: activate4, activationDerivative: activationGrad4 } };
}

function checkActivation(name: string, activation: Activation): void {
  if (!ACTIVATION_LAYER_ACTIVATIONS.includes(activation)) {
    throw new Error(`${name}: unknown activation ${JSON.stringify(activation)} (supported: ${ACTIVATION_LAYER_ACTIVATIONS.join(', ')})`);
  }
}

export function createActivation(ctx: GpuContext, config: ActivationConfig, buffers: ActivationBuffers): ActivationPlan {
  const { name, batch, count, activation, inferenceOnly = false } = config;
  for (const [k, v] of Object.entries({ batch, count })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: bad ${k} ${v}`);
  }
  checkActivation(name, activation);
  const { outputGrad, inputGrad } = buffers;
  if (!inferenceOnly && (!outputGrad || !inputGrad)) throw new Error(`${name}: outputGrad and inputGrad are required unless inferenceOnly`);
  const { layouts, externals } = bindingsFor(config);
  const variant = `${name}:${activation}`;
  const fe = fixedChoice(ACTIVATION_KERNELS, 'forward', config);
  const [gx, gy] = entryGrid(fe, config, name);

  const fwd = entryKernel(ctx.root, fe, config, { layout: layouts.forward, externals, variant });
  const forward = [fwd.dispatch(fwd.bind({ input: buffers.input, output: buffers.output }), gx, gy, 1, `${name}.forward`)];
  if (inferenceOnly) return { forward, backward: [], inference: forward, destroy: () => {} };

  const bwd = entryKernel(ctx.root, fixedChoice(ACTIVATION_KERNELS, 'backward', config), config, { layout: layouts.backward, externals, variant });
  const backward = [
    bwd.dispatch(bwd.bind({ outputGrad: outputGrad!, output: buffers.output, inputGrad: inputGrad! }), gx, gy, 1, `${name}.backward`),
  ];
  return { forward, backward, inference: forward, destroy: () => {} };
}
