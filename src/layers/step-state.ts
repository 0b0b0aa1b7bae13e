// The GPU step state (src/gpu/state.ts: step, batch, seed) and the two one-invocation kernels
// that advance it: step_begin (step += 1, first dispatch of a training step) and step_end
// (batch += 1, last dispatch of a training step or of an evaluation batch).
//
// Host side: createStepState at the start of a run, writeEpochStart before each epoch (batch = 0,
// step kept, so Adam's t keeps counting across epochs). An evaluator keeps its own StepState
// (createStepState(device, 0); writeEpochStart before each evaluation; stepEnd after each
// evaluation batch) so that its gather offsets and metric slots never touch the trainer's.
import tgpu from 'typegpu';
import { Kernel, type Dispatch } from '../gpu/kernel.ts';
import { STORAGE, readU32 } from '../gpu/buffers.ts';
import { StepState } from '../gpu/state.ts';
import type { GpuContext } from './types.ts';

/** Byte size of StepState: {step, batch, seed, pad} u32. */
export const STEP_STATE_BYTES = 16;
const BATCH_BYTE_OFFSET = 4;

export interface StepStateValues {
  step: number;
  batch: number;
  seed: number;
}

const stepStateLayout = tgpu.bindGroupLayout({
  state: { storage: StepState, access: 'mutable' },
});

/** A StepState buffer {step: 0, batch: 0, seed, pad: 0} (storage, copy src/dst). */
export function createStepState(device: GPUDevice, seed: number, label = 'step-state'): GPUBuffer {
  const buffer = device.createBuffer({ label, size: STEP_STATE_BYTES, usage: STORAGE });
  writeStepState(device, buffer, { step: 0, batch: 0, seed });
  return buffer;
}

/** Overwrites the whole state (e.g. when resuming a run at a known step). */
export function writeStepState(device: GPUDevice, buffer: GPUBuffer, s: StepStateValues): void {
  device.queue.writeBuffer(buffer, 0, new Uint32Array([s.step >>> 0, s.batch >>> 0, s.seed >>> 0, 0]));
}

/** Start of an epoch (or of an evaluation pass): batch = 0; step and seed unchanged. */
export function writeEpochStart(device: GPUDevice, buffer: GPUBuffer): void {
  device.queue.writeBuffer(buffer, BATCH_BYTE_OFFSET, new Uint32Array([0]));
}

/** Reads the state back (tests, checkpoints; not for the hot path). */
export async function readStepState(device: GPUDevice, buffer: GPUBuffer): Promise<StepStateValues> {
  const [step, batch, seed] = await readU32(device, buffer, 3);
  return { step, batch, seed };
}

function stateDispatch(ctx: GpuContext, shader: 'step_begin' | 'step_end', state: GPUBuffer): Dispatch {
  const kernel = new Kernel(ctx.root, { shader, layout: stepStateLayout, externals: { StepState } });
  // One invocation: the shaders declare @workgroup_size(1); one workgroup.
  return kernel.dispatch(kernel.bind({ state }), 1);
}

/** step_begin: state.step += 1 (the first dispatch of a training step). */
export function createStepBegin(ctx: GpuContext, state: GPUBuffer): Dispatch {
  return stateDispatch(ctx, 'step_begin', state);
}

/** step_end: state.batch += 1 (the last dispatch of a training step or evaluation batch). */
export function createStepEnd(ctx: GpuContext, state: GPUBuffer): Dispatch {
  return stateDispatch(ctx, 'step_end', state);
}

/** Aliases under the names the step plan's brief uses. */
export const stepBegin = createStepBegin;
export const stepEnd = createStepEnd;
