// The bench on the presets besides the seed (whose validation and variants the bench page's
// test runs: test/e2e/bench-page.e2e.test.ts):
// - the variant table (bench/kernel-variants.ts): one row per candidate of every tunable slot
//   (training and evaluation), each named by its registry entry, its result equal to the fixed
//   rules';
// - the step validation (bench/validate-step.ts) at an odd batch: the first training step of
//   the rounds' rig passes, with a row for each stored tensor, weight gradient and the
//   optimizer; and a tensor changed after the step fails its own row.
import { describe, expect, it } from 'vitest';
import { presetSpec, type PresetName } from '../../src/model/presets.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { initParams } from '../../src/model/init.ts';
import { createBufferWith, createStorageBuffer, readF32 } from '../../src/gpu/buffers.ts';
import { createStepState } from '../../src/layers/step-state.ts';
import { uploadSplit } from '../../src/train/dataset-gpu.ts';
import { Pass, identityOrder } from '../../src/train/pass.ts';
import { STEPS_PER_SUBMIT } from '../../src/train/trainer.ts';
import { tunableSlots } from '../../src/gpu/kernel-registry.ts';
import { GpuTimer } from '../../src/gpu/timing.ts';
import { kernelVariants } from '../../bench/kernel-variants.ts';
import { TrainRig } from '../../bench/train-rig.ts';
import { validateStep } from '../../bench/validate-step.ts';
import { fakeMnist } from './fake-mnist.ts';
import { expectNoGpuErrors, getGpu } from './gpu-fixture.ts';

/** lenet5 (~10-14 s: six dense candidates) and strided-bn (no tunable slot: an empty table). */
const MODELS: PresetName[] = ['lenet5', 'strided-bn'];
const ONCE = { budgetMs: 0, minReps: 1, maxReps: 1 };

describe('kernel variant table on the other presets', () => {
  for (const name of MODELS) {
    it(`${name}: a row per candidate of each tunable slot, equal to the fixed rules`, async () => {
      const { root, device } = await getGpu();
      const ctx = { root, device };
      const model = modelInfo(presetSpec(name));
      const data = fakeMnist(8, 1, 3);
      const images = uploadSplit(device, data.train, data.train.count, model.inputSize, 'variants');
      const params = createBufferWith(device, initParams(model.params, 4), 'variants params');
      const state = createStepState(device, 4);
      const grads = createStorageBuffer(device, model.params.length * 4, 'variants grads');
      const setup = { model, data: images, params, state };
      try {
        for (const [training, batch] of [[true, 3], [false, 5]] as const) {
          const rows = await expectNoGpuErrors(device, () =>
            kernelVariants(ctx, { ...setup, batch, training, indices: identityOrder(8).slice(0, batch) }, new GpuTimer(device, false), ONCE),
          );
          // The slots the plan itself reports, one row per candidate.
          const pass = new Pass(ctx, model, { label: 'slots', count: batch, batch, training }, { data: images, params, grads, state });
          const slots = tunableSlots(pass.mainPlan.kernelSlots);
          pass.destroy();
          const expected = slots.flatMap((s) => s.candidates.map((id) => `${s.layer} ${s.pass}${training ? '' : ` (evaluation, B=${batch})`}: ${id}`));
          console.log(`${name} ${training ? 'training' : 'evaluation'}:\n${rows.map((r) => `  ${r.name} err ${r.error.toExponential(1)}`).join('\n')}`);
          expect(rows.map((r) => r.name.replace(/ \(\d+ dispatches\)$/, ''))).toEqual(expected);
          expect(rows.filter((r) => r.promoted)).toHaveLength(slots.length);
          for (const r of rows) {
            expect(r.error, r.name).toBeLessThan(1e-5);
            expect(r.ms, r.name).toBeGreaterThan(0);
          }
        }
      } finally {
        images.destroy();
        params.destroy();
        state.destroy();
        grads.destroy();
      }
    });
  }
});

const BATCH = 3;
/** strided-bn (~1 s: BatchNormalization's moving statistics, identity layers, global pooling); lenet5's validation (~10 s) runs in `npm run bench -- --models`. */
const PRESETS_CHECKED: PresetName[] = ['strided-bn'];

describe('validation of one training step (bench/validate-step.ts)', () => {
  for (const name of PRESETS_CHECKED) {
    it(`${name}: every tensor, gradient and update of the first step matches the reference`, async () => {
      const gpu = await getGpu();
      const model = modelInfo(presetSpec(name));
      const rig = new TrainRig(gpu, fakeMnist(STEPS_PER_SUBMIT * BATCH, 1, 5), model, { batch: BATCH, seed: 11, learningRate: 0.001 });
      try {
        const snapshot = await expectNoGpuErrors(gpu.device, () => rig.firstStep());
        const checks = await validateStep(gpu.device, snapshot);
        console.log(`${name}:\n${checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(48)} ${c.error.toExponential(2)} (tol ${c.tolerance})`).join('\n')}`);
        expect(checks.filter((c) => !c.ok)).toEqual([]);
        // Every layer with weights has its gradients checked; every computing layer appears in a row.
        for (const p of model.params.entries.filter((p) => p.trainable)) expect(checks.map((c) => c.name)).toContain(`${p.name} gradient`);
        for (const l of model.layers.filter((l) => l.spec.type !== 'Flatten')) expect(checks.some((c) => c.name.includes(l.spec.name))).toBe(true);
        await expect(rig.validate()).rejects.toThrow(/first step has run already/);

        // The second computing layer's stored output, changed after the step: its forward row fails.
        const layer = model.layers[1].spec.type === 'Conv2D' || model.layers[1].spec.type === 'BatchNormalization' ? model.layers[1] : model.layers[0];
        const buffer = snapshot.plan.activations.get(layer.spec.name)!;
        const values = Float32Array.from(await readF32(gpu.device, buffer, 4));
        values[1] += 0.5 + Math.abs(values[1]);
        gpu.device.queue.writeBuffer(buffer, 0, values);
        const broken = await validateStep(gpu.device, snapshot);
        const failed = broken.filter((c) => !c.ok).map((c) => c.name);
        expect(failed.some((n) => n.startsWith(`${layer.spec.name} forward`))).toBe(true);
      } finally {
        rig.destroy();
      }
    });
  }
});
