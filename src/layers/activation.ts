// The Activation layer (Keras `Activation(...)`) over a (B, count) tensor of any per-sample
// shape: linear | relu | sigmoid | tanh elementwise (vec4 lanes when B*count is a multiple of
// 4), or softmax over each sample's count values (rows), for a softmax that is not the network's
// last layer. The backward takes the derivative from the stored output y, so the forward's
// output buffer must still hold y when the backward runs. An inferenceOnly layer builds the
// forward only.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, gridFor, type Dispatch } from '../gpu/kernel.ts';
import { activate, activationGrad, linearIndex } from '../gpu/wgsl-lib.ts';
import { activationCode, ELEMENTWISE_ACTIVATIONS, type Activation } from '../model/activations.ts';
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

interface KernelChoice {
  forwardShader: string;
  backwardShader: string;
  layouts: typeof scalarLayouts;
  constants: Record<string, number>;
  externals: Record<string, unknown>;
  workgroupSize: number;
  /** Invocations: lanes, or rows for softmax. */
  items: number;
}

function chooseKernels(batch: number, count: number, activation: Activation): KernelChoice {
  if (activation === 'softmax') {
    return {
      forwardShader: 'activation_forward_softmax',
      backwardShader: 'activation_backward_softmax',
      layouts: scalarLayouts,
      constants: { N: count, ROWS: batch, WORKGROUP_SIZE: SOFTMAX_ROWS_WORKGROUP_SIZE },
      externals: { linearIndex },
      workgroupSize: SOFTMAX_ROWS_WORKGROUP_SIZE,
      items: batch,
    };
  }
  const total = batch * count;
  const vec4 = total % 4 === 0;
  const lanes = vec4 ? total / 4 : total;
  return {
    forwardShader: 'activation_forward',
    backwardShader: 'activation_backward',
    // The vec4 layouts differ from the scalar ones only in the lane type the shaders index.
    layouts: vec4 ? (vec4Layouts as unknown as typeof scalarLayouts) : scalarLayouts,
    constants: { COUNT: lanes, ACT: activationCode(activation), WORKGROUP_SIZE: ACTIVATION_WORKGROUP_SIZE },
    externals: {
      linearIndex,
      applyActivation: vec4 ? activate4 : activate,
      activationDerivative: vec4 ? activationGrad4 : activationGrad,
    },
    workgroupSize: ACTIVATION_WORKGROUP_SIZE,
    items: lanes,
  };
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
  const k = chooseKernels(batch, count, activation);
  const variant = `${name}:${activation}`;
  const [gx, gy] = gridFor(k.items, k.workgroupSize, name);

  const fwd = new Kernel(ctx.root, { shader: k.forwardShader, layout: k.layouts.forward, constants: k.constants, externals: k.externals, variant });
  const forward = [fwd.dispatch(fwd.bind({ input: buffers.input, output: buffers.output }), gx, gy, 1, `${name}.forward`)];
  if (inferenceOnly) return { forward, backward: [], inference: forward, destroy: () => {} };

  const bwd = new Kernel(ctx.root, { shader: k.backwardShader, layout: k.layouts.backward, constants: k.constants, externals: k.externals, variant });
  const backward = [
    bwd.dispatch(bwd.bind({ outputGrad: outputGrad!, output: buffers.output, inputGrad: inputGrad! }), gx, gy, 1, `${name}.backward`),
  ];
  return { forward, backward, inference: forward, destroy: () => {} };
}
