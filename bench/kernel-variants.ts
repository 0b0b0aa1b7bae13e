// Kernel variants side by side, from the registry: for every slot of a plan with two or more
// supported candidates (src/gpu/kernel-registry.ts tunableSlots), the plan is built once per
// candidate (KernelChoices naming it) and run once on the same parameters, images and dropout
// state as the plan of the fixed rules; the candidate's result is compared with the fixed
// rules' (training: the whole gradient vector and the logits; evaluation: the logits; error
// column: max |candidate - fixed| / max |fixed|), and the dispatches the candidate made in its
// layer are timed alone. This is what an autotuner does, without keeping the winner.
import { createStorageBuffer, readF32 } from '../src/gpu/buffers.ts';
import { encodeDispatches } from '../src/gpu/kernel.ts';
import { tunableSlots, type KernelChoices } from '../src/gpu/kernel-registry.ts';
import { kernelDispatches } from '../src/train/model-plan.ts';
import type { ModelInfo } from '../src/model/model-info.ts';
import type { GpuImages } from '../src/train/dataset-gpu.ts';
import { Pass } from '../src/train/pass.ts';
import type { GpuContext } from '../src/layers/types.ts';
import type { VariantRow } from './bench-protocol.ts';
import type { GpuTimer, TimerOptions } from '../src/gpu/timing.ts';
import { relError } from '../src/gpu/tolerance.ts';

export interface VariantSetup {
  model: ModelInfo;
  batch: number;
  training: boolean;
  data: GpuImages;
  /** Image indices of the one batch every candidate runs. */
  indices: Uint32Array;
  /** Parameters (left unchanged: no optimizer runs) and a StepState (not advanced). */
  params: GPUBuffer;
  state: GPUBuffer;
}

/** One plan run: its pass (for the dispatches) and its results. */
interface Run {
  pass: Pass;
  grads: GPUBuffer;
  outputs: Float32Array[];
}

async function runOnce(ctx: GpuContext, s: VariantSetup, kernels: KernelChoices): Promise<Run> {
  const { device } = ctx;
  const grads = createStorageBuffer(device, s.model.params.length * 4, 'variant grads');
  const pass = new Pass(
    ctx,
    s.model,
    { label: 'variant', count: s.indices.length, batch: s.batch, training: s.training, kernels },
    { data: s.data, params: s.params, grads, state: s.state },
  );
  pass.setOrder(s.indices);
  const e = device.createCommandEncoder();
  encodeDispatches(e, s.training ? pass.trainBatch(0) : pass.inferBatch(0));
  device.queue.submit([e.finish()]);
  const outputs = [await readF32(device, pass.logits(0), s.batch * s.model.classes)];
  if (s.training) outputs.push(await readF32(device, grads, s.model.params.length));
  return { pass, grads, outputs };
}

export async function kernelVariants(ctx: GpuContext, s: VariantSetup, timer: GpuTimer, budget: TimerOptions): Promise<VariantRow[]> {
  const fixed = await runOnce(ctx, s, {});
  const rows: VariantRow[] = [];
  try {
    for (const slot of tunableSlots(fixed.pass.mainPlan.kernelSlots)) {
      for (const id of slot.candidates) {
        const run = id === slot.fixed ? fixed : await runOnce(ctx, s, { [slot.layer]: { [slot.pass]: id } });
        try {
          const error = Math.max(...run.outputs.map((o, i) => relError(o, fixed.outputs[i])));
          const dispatches = kernelDispatches(run.pass.mainPlan, slot.layer, id);
          const t = await timer.time(dispatches, budget);
          const cost = dispatches[0]?.kernel?.cost;
          const many = dispatches.length > 1 ? ` (${dispatches.length} dispatches)` : '';
          rows.push({
            name: `${slot.layer} ${slot.pass}${s.training ? '' : ` (evaluation, B=${s.batch})`}: ${id}${many}`,
            ms: t.ms,
            gflops: cost ? cost.flops / t.ms / 1e6 : 0,
            error,
            promoted: id === slot.fixed,
          });
        } finally {
          if (run !== fixed) {
            run.pass.destroy();
            run.grads.destroy();
          }
        }
      }
    }
  } finally {
    fixed.pass.destroy();
    fixed.grads.destroy();
  }
  return rows;
}
