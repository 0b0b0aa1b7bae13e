// The optimizers: one elementwise pass over the whole flat parameter buffer (vec4 per
// invocation), Keras semantics.
//   adam: t = state.step (1-based, set by step_begin earlier in the same step);
//         lr_t = lr*sqrt(1-beta2^t)/(1-beta1^t); m += (g-m)(1-beta1); v += (g^2-v)(1-beta2);
//         w -= lr_t*m/(sqrt(v)+epsilon)
//   sgd:  velocity = momentum*velocity - lr*g; w += velocity   (velocity lives in `m`)
// Hyperparameters sit in a uniform written at construction; setLearningRate rewrites it
// (between epochs; queue order makes it apply to the next submitted step).
// `length` is the padded flat length (PARAM_BUFFER_LENGTH), a multiple of 4; padding elements
// must be zero in params and grads and then stay zero.
// `frozen` names the tensors the update leaves alone (non-trainable weights: BatchNormalization's
// moving statistics and every weight of a layer with trainable false): a bit per vec4, set once
// at construction, makes those invocations return before reading anything, so their
// parameters and moments never change (the moments stay zero) whatever their gradient holds.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import type { Dispatch } from '../gpu/kernel.ts';
import { createBufferWith } from '../gpu/buffers.ts';
import { entryGrid, entryKernel, type KernelEntry } from '../gpu/kernel-registry.ts';
import { StepState } from '../gpu/state.ts';
import type { GpuContext } from './types.ts';

/** Invocations per workgroup of adam/sgd (each updates one vec4). */
export const OPTIMIZER_WORKGROUP_SIZE = 64;

export const AdamHyper = d
  .struct({ lr: d.f32, beta1: d.f32, beta2: d.f32, epsilon: d.f32, logBeta1: d.f32, logBeta2: d.f32 })
  .$name('AdamHyper');
export const SgdHyper = d.struct({ lr: d.f32, momentum: d.f32 }).$name('SgdHyper');

export const ADAM_DEFAULTS = { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

export interface OptimizerOptions {
  kind: 'adam' | 'sgd';
  /** Flat (padded) length in floats, a multiple of 4. */
  length: number;
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** SGD only (default 0: plain SGD). */
  momentum?: number;
  /** Float ranges the update leaves unchanged (offsets multiples of 4; default none). */
  frozen?: readonly FloatRange[];
}

/** `size` floats from `offset` of the flat buffer. */
export interface FloatRange {
  offset: number;
  size: number;
}

/** Bits per word of the frozen mask. */
const MASK_BITS = 32;

/**
 * The frozen mask: bit (i % 32) of word i / 32 set when vec4 i of the flat buffer belongs to a
 * frozen range. A range starts on a vec4 (the parameter table aligns every tensor); its last
 * vec4 may hold padding after it, which no other tensor shares.
 */
export function frozenMask(length: number, frozen: readonly FloatRange[]): Uint32Array {
  const vec4s = length / 4;
  const mask = new Uint32Array(Math.max(1, Math.ceil(vec4s / MASK_BITS)));
  for (const { offset, size } of frozen) {
    if (!Number.isInteger(offset) || offset % 4 !== 0 || !Number.isInteger(size) || size < 0 || offset + size > length) {
      throw new Error(`createOptimizer: frozen range (${offset}, ${size}) must start on a vec4 and lie within ${length} floats`);
    }
    for (let i = offset / 4; i < Math.ceil((offset + size) / 4); i++) mask[i >>> 5] |= 1 << (i & 31);
  }
  return mask;
}

/** An optimizer's update over `length` floats, one vec4 per invocation. */
function updateEntry(kind: 'adam' | 'sgd', opsPerValue: number, floatsPerValue: number): KernelEntry<{ length: number }> {
  return {
    id: `${kind}.update.vec4`,
    layerType: kind === 'adam' ? 'Adam' : 'SGD',
    pass: 'update',
    shaders: [kind],
    workgroupSize: OPTIMIZER_WORKGROUP_SIZE,
    supports: (c) => c.length % 4 === 0 || `length ${c.length} must be a multiple of 4`,
    constants: (c) => ({ WORKGROUP_SIZE: OPTIMIZER_WORKGROUP_SIZE, LENGTH4: c.length / 4 }),
    items: (c) => c.length / 4,
    cost: (c) => ({ shape: `(${c.length})`, flops: opsPerValue * c.length, bytes: 4 * floatsPerValue * c.length }),
  };
}

/** Adam reads w, g, m, v and writes w, m, v; SGD reads w, g, velocity and writes w, velocity. */
export const OPTIMIZER_KERNELS = { adam: updateEntry('adam', 12, 7), sgd: updateEntry('sgd', 4, 5) } as const;

export interface OptimizerBindings {
  /** (length) f32, updated in place. */
  params: GPUBuffer;
  /** (length) f32, read. */
  grads: GPUBuffer;
  /** (length) f32: Adam's first moment, or SGD's velocity. Start at zero. */
  m: GPUBuffer;
  /** (length) f32: Adam's second moment (unused by SGD; may be omitted there). Start at zero. */
  v?: GPUBuffer;
  /** StepState (Adam reads .step). */
  state: GPUBuffer;
}

export interface OptimizerPlan {
  dispatch: Dispatch;
  setLearningRate(lr: number): void;
  destroy(): void;
}

const vec4Array = d.arrayOf(d.vec4f);
const frozenBinding = { storage: d.arrayOf(d.u32), access: 'readonly' } as const;

const adamLayout = tgpu.bindGroupLayout({
  hyper: { uniform: AdamHyper },
  state: { storage: StepState, access: 'readonly' },
  params: { storage: vec4Array, access: 'mutable' },
  grads: { storage: vec4Array, access: 'readonly' },
  m: { storage: vec4Array, access: 'mutable' },
  v: { storage: vec4Array, access: 'mutable' },
  frozen: frozenBinding,
});

const sgdLayout = tgpu.bindGroupLayout({
  hyper: { uniform: SgdHyper },
  params: { storage: vec4Array, access: 'mutable' },
  grads: { storage: vec4Array, access: 'readonly' },
  velocity: { storage: vec4Array, access: 'mutable' },
  frozen: frozenBinding,
});

function checkBuffer(name: string, buffer: GPUBuffer | undefined, length: number): GPUBuffer {
  if (!buffer) throw new Error(`createOptimizer: missing ${name} buffer`);
  if (buffer.size < length * 4) throw new Error(`createOptimizer: ${name} has ${buffer.size} bytes, need ${length * 4}`);
  return buffer;
}

export function createOptimizer(ctx: GpuContext, opts: OptimizerOptions, b: OptimizerBindings): OptimizerPlan {
  const { root } = ctx;
  const { kind, length } = opts;
  if (!Number.isInteger(length) || length < 4 || length % 4 !== 0) {
    throw new Error(`createOptimizer: length ${length} must be a positive multiple of 4 (pad the flat buffer)`);
  }
  if (kind !== 'adam' && kind !== 'sgd') throw new Error(`createOptimizer: unknown kind ${String(kind)}`);
  const [gx, gy] = entryGrid(OPTIMIZER_KERNELS.adam, { length }, kind);
  const params = checkBuffer('params', b.params, length);
  const grads = checkBuffer('grads', b.grads, length);
  const m = checkBuffer('m', b.m, length);
  const mask = frozenMask(length, opts.frozen ?? []);

  if (kind === 'adam') {
    // The kernel gets the betas as float32; ln(beta) is taken (in float64) of those float32 values.
    const beta1 = Math.fround(opts.beta1 ?? ADAM_DEFAULTS.beta1);
    const beta2 = Math.fround(opts.beta2 ?? ADAM_DEFAULTS.beta2);
    if (!(beta1 > 0 && beta1 < 1 && beta2 > 0 && beta2 < 1)) throw new Error(`createOptimizer: betas must lie in (0, 1)`);
    const v = checkBuffer('v', b.v, length);
    const hyperValue = {
      lr: opts.lr,
      beta1,
      beta2,
      epsilon: opts.epsilon ?? ADAM_DEFAULTS.epsilon,
      logBeta1: Math.log(beta1),
      logBeta2: Math.log(beta2),
    };
    const kernel = entryKernel(root, OPTIMIZER_KERNELS.adam, { length }, { layout: adamLayout, externals: { AdamHyper, StepState }, variant: `n${length}` });
    const hyper = root.createBuffer(AdamHyper, hyperValue).$usage('uniform');
    const frozen = createBufferWith(ctx.device, mask, 'optimizer frozen mask');
    const dispatch = kernel.dispatch(kernel.bind({ hyper, state: b.state, params, grads, m, v, frozen }), gx, gy);
    return optimizerPlan(dispatch, hyperValue, (value) => hyper.write(value), () => {
      hyper.destroy();
      frozen.destroy();
    });
  }
  const hyperValue = { lr: opts.lr, momentum: opts.momentum ?? 0 };
  const kernel = entryKernel(root, OPTIMIZER_KERNELS.sgd, { length }, { layout: sgdLayout, externals: { SgdHyper }, variant: `n${length}` });
  const hyper = root.createBuffer(SgdHyper, hyperValue).$usage('uniform');
  const frozen = createBufferWith(ctx.device, mask, 'optimizer frozen mask');
  const dispatch = kernel.dispatch(kernel.bind({ hyper, params, grads, velocity: m, frozen }), gx, gy);
  return optimizerPlan(dispatch, hyperValue, (value) => hyper.write(value), () => {
    hyper.destroy();
    frozen.destroy();
  });
}

/** The plan around one dispatch: a learning-rate change rewrites the hyperparameter uniform. */
function optimizerPlan<H extends { lr: number }>(dispatch: Dispatch, hyperValue: H, write: (value: H) => void, destroy: () => void): OptimizerPlan {
  return {
    dispatch,
    setLearningRate(lr: number) {
      hyperValue.lr = lr;
      write(hyperValue);
    },
    destroy,
  };
}
