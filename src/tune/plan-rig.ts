// What every candidate plan of one kind (training or evaluation) shares while its slots are
// tuned: the parameters, gradients, step state and one batch of images and labels, refilled
// with the same random values for a seed before each candidate runs. Each candidate builds its
// own plan (a Pass) on these buffers, so that all of them compute from identical inputs.
import { createStorageBuffer, writeBuffer } from '../gpu/buffers.ts';
import type { PlanKind } from '../gpu/kernel-registry.ts';
import type { GpuContext } from '../layers/types.ts';
import { createStepState, writeStepState } from '../layers/step-state.ts';
import { initParams } from '../model/init.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { Rng } from '../model/rng.ts';
import type { GpuImages } from '../train/dataset-gpu.ts';
import { identityOrder, Pass, type PassBuffers } from '../train/pass.ts';
import type { KernelChoices } from '../gpu/kernel-registry.ts';

/** Half-width of the noise added to the tensors initialised to zeros or ones (biases, BatchNorm), so that kernels must read them. */
const CONSTANT_INIT_NOISE = 0.1;

export interface PlanRig {
  readonly kind: PlanKind;
  readonly batch: number;
  readonly model: ModelInfo;
  readonly buffers: PassBuffers;
  /** A plan of this kind over the rig's batch, with `kernels` overriding the fixed rules. */
  pass(kernels: KernelChoices): Pass;
  /** Random parameters, images and labels for `seed`; gradients zero; step state {0, 0, seed}. */
  reset(seed: number): void;
  destroy(): void;
}

/** Glorot-uniform weights as in training, and noisy biases and BatchNorm tensors (none left at 0 or 1). */
function randomParams(model: ModelInfo, seed: number): Float32Array {
  const flat = initParams(model.params, seed);
  const rng = new Rng((seed ^ 0x9e3779b9) >>> 0);
  for (const p of model.params.entries) {
    if (p.init === 'glorot_uniform') continue;
    for (let i = p.offset; i < p.offset + p.size; i++) flat[i] += (rng.nextFloat() * 2 - 1) * CONSTANT_INIT_NOISE;
  }
  return flat;
}

export function createPlanRig(ctx: GpuContext, model: ModelInfo, kind: PlanKind, batch: number): PlanRig {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`autotune ${kind} plan: bad batch size ${batch}`);
  const { device } = ctx;
  const label = `autotune ${kind}`;
  const floats = model.params.length;
  const params = createStorageBuffer(device, floats * 4, `${label} params`); // (params.length) f32
  const grads = createStorageBuffer(device, floats * 4, `${label} grads`); // (params.length) f32
  const state = createStepState(device, 0, `${label} state`);
  const images = createStorageBuffer(device, batch * model.inputSize, `${label} images`); // (B, H, W, C) bytes
  const labels = createStorageBuffer(device, batch * 4, `${label} labels`); // (B) u32
  const data: GpuImages = { images, labels, count: batch, destroy: () => (images.destroy(), labels.destroy()) };
  const buffers: PassBuffers = { data, params, grads, state };
  return {
    kind,
    batch,
    model,
    buffers,
    pass(kernels) {
      const pass = new Pass(ctx, model, { label, count: batch, batch, training: kind === 'training', kernels }, buffers);
      pass.setOrder(identityOrder(batch));
      return pass;
    },
    reset(seed) {
      const rng = new Rng(seed);
      writeBuffer(device, params, randomParams(model, seed));
      writeBuffer(device, grads, new Float32Array(floats));
      writeBuffer(device, images, Uint8Array.from({ length: batch * model.inputSize }, () => rng.nextInt(256)));
      writeBuffer(device, labels, Uint32Array.from({ length: batch }, () => rng.nextInt(model.classes)));
      writeStepState(device, state, { step: 0, batch: 0, seed });
    },
    destroy() {
      for (const b of [params, grads, state]) b.destroy();
      data.destroy();
    },
  };
}
