// The autotuner on the seed network's real plans (src/tune/plan-slots.ts), training at batch 8
// and evaluation at batch 8: refresh builds, validates and times every supported candidate of
// every tunable slot once and picks one per plan, layer and pass; a trainer built with those
// choices takes the same SGD steps as the fixed rules' trainer (within the float32 tolerance);
// a second tuning reads the cache and builds nothing; a candidate whose output is wrong never
// wins, however fast it is.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../../src/gpu/device.ts';
import type { PlanKernelChoices } from '../../src/gpu/kernel-registry.ts';
import { initParams } from '../../src/model/init.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../../src/train/types.ts';
import { autotuneSlots } from '../../src/tune/autotune-run.ts';
import { emptyTuneCache, mergeTuneEntries, type TuneCache } from '../../src/tune/cache.ts';
import { planSlots } from '../../src/tune/plan-slots.ts';
import { tunedChoices, type TuneReport } from '../../src/tune/report.ts';
import type { TuneSlot } from '../../src/tune/slots.ts';
import { tuneTable } from '../../src/tune/table.ts';
import { mismatch } from '../../src/tune/validate.ts';
import { fakeMnist } from './fake-mnist.ts';
import { getGpu } from './gpu-fixture.ts';

const BATCH = 8;
/** Tunable slots of the seed at any batch size (the kernel registry's, see kernel-choice.gpu.test.ts). */
const SLOTS = [
  'training conv2d forward: conv2d.forward.cin1row conv2d.forward.tile4x4 conv2d.forward.tile5x5 conv2d.forward.tiled',
  'training conv2d backward-filter: conv2d.backward-filter.slide conv2d.backward-filter.positions conv2d.backward-filter.rows',
  'training conv2d_1 forward: conv2d.forward.tile4x4 conv2d.forward.tile5x5 conv2d.forward.tiled',
  'training conv2d_1 backward-filter: conv2d.backward-filter.slide conv2d.backward-filter.positions conv2d.backward-filter.rows',
  'training conv2d_1 backward-input: conv2d.backward-input.tile6x6 conv2d.backward-input.direct conv2d.backward-input.rows conv2d.backward-input.tile4x4',
  'training dense forward: dense.forward.tile16x16 dense.forward.tile4x4',
  'training dense backward-input: dense.backward-input.tile16x16 dense.backward-input.tile4x4',
  'training dense backward-weights: dense.backward-weights.tile16x16 dense.backward-weights.tile4x4',
  'evaluation conv2d_1 forward: conv2d.forward.tile4x4 conv2d.forward.tile5x5 conv2d.forward.tiled',
  'evaluation dense forward: dense.forward.tile16x16 dense.forward.tile4x4',
];

let gpu: Gpu;
beforeAll(async () => {
  gpu = await getGpu();
});

/** The seed's slots with every candidate's build() and its result's destroy() counted. */
function countedSlots(): { slots: TuneSlot[]; builds: Map<string, number>; destroyed: () => number } {
  const builds = new Map<string, number>();
  let destroyed = 0;
  const slots = planSlots(gpu, DEFAULT_MODEL, BATCH, { evaluationBatch: BATCH }).map((s) => ({
    ...s,
    candidates: s.candidates.map((c) => ({
      id: c.id,
      build: async () => {
        const key = `${s.plan} ${s.layer} ${s.pass} ${c.id}`;
        builds.set(key, (builds.get(key) ?? 0) + 1);
        const built = await c.build();
        return { ...built, destroy: () => (destroyed++, built.destroy()) };
      },
    })),
  }));
  return { slots, builds, destroyed: () => destroyed };
}

function tune(slots: TuneSlot[], mode: 'refresh' | 'on', cache: TuneCache | null): Promise<TuneReport> {
  return autotuneSlots(gpu, slots, { mode, cache, budgetMs: 400 }, 'Chrome/test');
}

/** Two SGD steps of batch 8 from the same weights, images and dropout seed; the weights after. */
async function trainedWeights(kernels: PlanKernelChoices): Promise<{ before: Float32Array; after: Float32Array }> {
  const data = fakeMnist(2 * BATCH, 10, 5);
  const options: TrainOptions = {
    ...DEFAULT_TRAIN_OPTIONS, epochs: 1, batchSize: BATCH, optimizer: 'sgd', learningRate: 0.05, momentum: 0.9,
    dropout: [0.25, 0.25, 0.5], seed: 3, validationSplit: 0, shuffle: false,
  };
  const before = initParams(DEFAULT_MODEL.params, 11);
  const trainer = await Trainer.create(gpu, data, options, before, { kernels });
  try {
    await trainer.fit();
    return { before, after: await trainer.getWeights() };
  } finally {
    trainer.destroy();
  }
}

describe('autotuning the seed network (planSlots)', () => {
  let first: TuneReport;

  it('refresh builds, validates and times every candidate once, picks one per plan, layer and pass; those choices train like the fixed rules', async () => {
    const { slots, builds, destroyed } = countedSlots();
    expect(slots.map((s) => `${s.plan} ${s.layer} ${s.pass}: ${s.candidates.map((c) => c.id).join(' ')}`)).toEqual(SLOTS);
    first = await tune(slots, 'refresh', null);
    console.log(tuneTable(first).join('\n'));
    const candidates = slots.flatMap((s) => s.candidates.map((c) => `${s.plan} ${s.layer} ${s.pass} ${c.id}`));
    expect([...builds.keys()].sort()).toEqual([...candidates].sort());
    expect([...builds.values()].every((n) => n === 1)).toBe(true);
    expect(destroyed()).toBe(candidates.length);
    for (const r of first.slots) {
      expect(r.source, `${r.layer} ${r.pass}: ${r.note}`).toBe('tuned');
      // Every registered kernel computes the step correctly: each one was validated and timed.
      for (const c of r.candidates) expect(c, `${r.plan} ${r.layer} ${r.pass}`).toHaveProperty('ms');
    }
    expect(Object.keys(first.updates)).toHaveLength(SLOTS.length);

    const choices = tunedChoices(first);
    const chosen = Object.entries(choices).flatMap(([plan, layers]) =>
      Object.entries(layers ?? {}).flatMap(([layer, passes]) => Object.keys(passes).map((pass) => `${plan} ${layer} ${pass}`)),
    );
    expect(chosen.sort()).toEqual(SLOTS.map((s) => s.split(':')[0]).sort());

    // The weights' change over two steps: tuned choices vs the fixed rules, float32 on both sides.
    const fixed = await trainedWeights({});
    const tuned = await trainedWeights(choices);
    const delta = (w: { before: Float32Array; after: Float32Array }) => w.after.map((v, i) => v - w.before[i]);
    const tensors = DEFAULT_MODEL.params.entries.map((p) => ({ name: p.name, start: p.offset, length: p.size }));
    const changed = (t: { start: number; length: number }) => delta(fixed).subarray(t.start, t.start + t.length).some((v) => v !== 0);
    for (const t of tensors) expect(changed(t), `${t.name} changed`).toBe(true);
    // Each tensor's change at its own scale, the longest reduction of the step behind it.
    expect(mismatch(delta(tuned), delta(fixed), slots[0].reductionLength, tensors)).toBeNull();
  }, 600_000);

  it('a trainer takes the choices for both of its plan kinds (a bad one is refused, naming the layer)', async () => {
    const data = fakeMnist(BATCH, 10, 5);
    const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, epochs: 1, batchSize: BATCH, validationSplit: 0 };
    const bad = { dense: { forward: 'dense.forward.none' } };
    await expect(Trainer.create(gpu, data, options, undefined, { kernels: { training: bad } })).rejects.toThrow(/layer "dense", pass forward: dense\.forward\.none/);
    await expect(Trainer.create(gpu, data, options, undefined, { kernels: { evaluation: bad } })).rejects.toThrow(/layer "dense", pass forward: dense\.forward\.none/);
  }, 300_000);

  it('a second tuning reads the cache and builds nothing', async () => {
    expect(first, 'needs the first test').toBeDefined();
    const { slots, builds } = countedSlots();
    const second = await tune(slots, 'on', mergeTuneEntries(emptyTuneCache(), first.updates));
    expect(builds.size).toBe(0);
    expect(second.updates).toEqual({});
    expect(second.slots.map((s) => [s.source, s.choice])).toEqual(first.slots.map((s) => ['cache', s.choice]));
  }, 300_000);

  it('a candidate whose output is off never wins, even timed on the cheapest dispatch of the plan', async () => {
    const { slots } = countedSlots();
    const [dense] = slots.filter((s) => s.plan === 'training' && s.layer === 'dense' && s.pass === 'forward');
    for (const s of slots) if (s !== dense) s.destroy();
    const wrongId = 'dense.forward.tile4x4';
    expect(dense.fixed).not.toBe(wrongId);
    const grad = dense.outputParts!.find((p) => p.name === 'gradient of conv2d/kernel')!;
    expect(grad).toBeDefined();
    const slot: TuneSlot = {
      ...dense,
      candidates: dense.candidates.map((c) =>
        c.id !== wrongId
          ? c
          : {
              id: c.id,
              build: async () => {
                const built = await c.build();
                // One element of the first layer's kernel gradient off by 1% of that tensor's
                // largest value: a small error, far above the tolerance at the tensor's scale.
                const readOutput = async () => {
                  const out = await built.readOutput();
                  const part = out.subarray(grad.start, grad.start + grad.length);
                  part[7] += 0.01 * part.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
                  return out;
                };
                const cheapest = built.dispatches.reduce((a, d) => (d.workgroups[0] * d.workgroups[1] < a.workgroups[0] * a.workgroups[1] ? d : a));
                return { ...built, readOutput, timed: [cheapest] };
              },
            },
      ),
    };
    const report = await tune([slot], 'refresh', null);
    const [r] = report.slots;
    expect(r.choice).not.toBe(wrongId);
    const outcome = r.candidates.find((c) => c.id === wrongId);
    expect(outcome && 'invalid' in outcome && outcome.invalid).toMatch(/output differs from the reference: at gradient of conv2d\/kernel, /);
  }, 300_000);
});
