// The bench's validation (bench/validate-step.ts) on a preset at an odd batch: the first
// training step of the rounds' rig passes, with a row for each stored tensor, weight gradient
// and the optimizer; and a tensor changed after the step fails its own row.
import { describe, expect, it } from 'vitest';
import { presetSpec, type PresetName } from '../../src/model/presets.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { STEPS_PER_SUBMIT } from '../../src/train/trainer.ts';
import { TrainRig } from '../../bench/train-rig.ts';
import { validateStep } from '../../bench/validate-step.ts';
import { readF32 } from '../../src/gpu/buffers.ts';
import { fakeMnist } from './fake-mnist.ts';
import { expectNoGpuErrors, getGpu } from './gpu-fixture.ts';

const BATCH = 3;
/**
 * strided-bn (BatchNormalization's moving statistics, identity layers, global pooling) costs
 * ~4 s here; the seed (~23 s: its fusions' inner tensors) is validated by the bench page's
 * test (test/e2e/bench-page.e2e.test.ts) and lenet5 (~18 s) by `npm run bench -- --models`.
 */
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
