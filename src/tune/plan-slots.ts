// The one place the autotuner meets the kernel registry: the tunable slots of a model's plans
// (src/gpu/kernel-registry.ts tunableSlots) as the tuner's TuneSlots. As in the bench's kernel
// variants (bench/kernel-variants.ts), a candidate is the whole plan built with KernelChoices
// naming it, on buffers shared by the slot's plan kind (src/tune/plan-rig.ts): one run of the
// plan gives the output every candidate of the slot is checked on (the logits and, in training,
// every tensor's gradient, each part at its own scale), and the dispatches its entry made in its
// layer are what is timed.
// The reference is the fixed rules' choice. Pipelines are compiled once and shared by every
// candidate plan (a PipelineBuild); each candidate's plan is built once and destroyed by the tuner.
import type { Gpu } from '../gpu/device.ts';
import { readF32 } from '../gpu/buffers.ts';
import { tunableSlots, type KernelSlot, type PlanKind } from '../gpu/kernel-registry.ts';
import { buildingPipelines, PipelineBuild } from '../gpu/pipeline-build.ts';
import type { GpuContext } from '../layers/types.ts';
import { shapeSize, type ModelInfo } from '../model/model-info.ts';
import { EVAL_BATCH } from '../train/gpu-model.ts';
import { kernelDispatches } from '../train/model-plan.ts';
import type { Pass } from '../train/pass.ts';
import { createPlanRig, type PlanRig } from './plan-rig.ts';
import type { BuiltCandidate, OutputPart, TuneSlot } from './slots.ts';

export interface PlanSlotOptions {
  /** Batch size of the evaluation plans (default EVAL_BATCH, the trainer's). */
  evaluationBatch?: number;
}

/** Compiles pipelines for candidate plans, sharing equal ones; a failed build is not reused. */
class SharedPipelines {
  private build: PipelineBuild;
  constructor(private readonly device: GPUDevice) {
    this.build = new PipelineBuild(device);
  }

  /** `make`'s plan with its pipelines built (destroyed if they could not be). */
  async plan(make: () => Pass): Promise<Pass> {
    const pass = buildingPipelines(this.build, make);
    try {
      await this.build.finish();
      return pass;
    } catch (e) {
      this.build = new PipelineBuild(this.device);
      pass.destroy();
      throw e;
    }
  }

  /** `make`'s plan, its pipelines left to compile (for reading its kernel slots). */
  requested(make: () => Pass): Pass {
    return buildingPipelines(this.build, make);
  }
}

/**
 * Longest reduction behind an output of the plan's run: every sum in a step runs over at most
 * the batch times one sample's largest tensor (a fan-in, or a filter gradient's positions).
 */
function reductionLength(model: ModelInfo, batch: number): number {
  const sizes = [model.inputSize, ...model.layers.map((l) => shapeSize(l.outputShape))];
  return batch * Math.max(...sizes);
}

/** The plan run's results: (B, classes) logits, then in training the (params.length) gradients. */
async function planOutput(device: GPUDevice, rig: PlanRig, pass: Pass): Promise<Float32Array> {
  const logits = await readF32(device, pass.logits(0), rig.batch * rig.model.classes);
  if (rig.kind !== 'training') return logits;
  const grads = await readF32(device, rig.buffers.grads, rig.model.params.length);
  const out = new Float32Array(logits.length + grads.length);
  out.set(logits);
  out.set(grads, logits.length);
  return out;
}

/** planOutput's parts: the logits, then each parameter tensor's gradient (each at its own scale). */
function outputParts(rig: PlanRig): OutputPart[] {
  const logits = rig.batch * rig.model.classes;
  const parts: OutputPart[] = [{ name: 'logits', start: 0, length: logits }];
  if (rig.kind !== 'training') return parts;
  for (const p of rig.model.params.entries) parts.push({ name: `gradient of ${p.name}`, start: logits + p.offset, length: p.size });
  return parts;
}

/** Candidate `id` of `slot`: its plan, one run of it, and its own dispatches to time. */
async function buildCandidate(device: GPUDevice, pipelines: SharedPipelines, rig: PlanRig, slot: KernelSlot, id: string): Promise<BuiltCandidate> {
  const pass = await pipelines.plan(() => rig.pass({ [slot.layer]: { [slot.pass]: id } }));
  const timed = kernelDispatches(pass.mainPlan, slot.layer, id);
  if (timed.length === 0) {
    pass.destroy();
    throw new Error(`${slot.layer} ${slot.pass}: the plan made no dispatch of ${id} in the layer`);
  }
  return {
    dispatches: rig.kind === 'training' ? pass.trainBatch(0) : pass.inferBatch(0),
    timed,
    readOutput: () => planOutput(device, rig, pass),
    destroy: () => pass.destroy(),
  };
}

/** The tunable slots of one plan kind; the rig is freed with the last of them (or at once, when there are none). */
function slotsOfPlan(ctx: GpuContext, pipelines: SharedPipelines, rig: PlanRig): TuneSlot[] {
  let slots: KernelSlot[];
  try {
    const fixed = pipelines.requested(() => rig.pass({}));
    slots = tunableSlots(fixed.mainPlan.kernelSlots);
    fixed.destroy();
  } catch (e) {
    rig.destroy();
    throw e;
  }
  if (slots.length === 0) rig.destroy();
  let live = slots.length;
  const n = reductionLength(rig.model, rig.batch);
  const parts = outputParts(rig);
  return slots.map((s): TuneSlot => {
    let destroyed = false;
    return {
      layer: s.layer,
      type: s.layerType,
      pass: s.pass,
      plan: rig.kind,
      config: s.config,
      batch: rig.batch,
      candidates: s.candidates.map((id) => ({ id, build: () => buildCandidate(ctx.device, pipelines, rig, s, id) })),
      reference: s.fixed,
      fixed: s.fixed,
      reductionLength: n,
      outputParts: parts,
      reset: (seed) => rig.reset(seed),
      destroy() {
        if (destroyed) return;
        destroyed = true;
        if (--live === 0) rig.destroy();
      },
    };
  });
}

/**
 * The slots of `model`'s plans that have more than one supported kernel: the training plan at
 * `batch`, then the evaluation plan. Each slot must be destroyed (autotuneSlots does).
 */
export function planSlots(gpu: Gpu, model: ModelInfo, batch: number, options: PlanSlotOptions = {}): TuneSlot[] {
  const ctx: GpuContext = { device: gpu.device, root: gpu.root };
  const pipelines = new SharedPipelines(gpu.device);
  const kinds: [PlanKind, number][] = [['training', batch], ['evaluation', options.evaluationBatch ?? EVAL_BATCH]];
  const slots: TuneSlot[] = [];
  try {
    for (const [kind, b] of kinds) slots.push(...slotsOfPlan(ctx, pipelines, createPlanRig(ctx, model, kind, b)));
  } catch (e) {
    for (const s of slots) s.destroy();
    throw e;
  }
  return slots;
}
