// Frozen layers (Keras's trainable false) in whole GPU training steps: a small model
// (test/fixtures/models/small-cnn.json: Conv2D, BatchNormalization, AveragePooling2D, Dropout,
// Flatten, Dense, Dense) with some layers frozen trains three steps. The frozen layers' weights
// (and a frozen BatchNormalization's moving statistics: it runs in inference mode) come back
// bit for bit as they went in, with their optimizer moments exactly zero; every other tensor
// equals the float64 reference's, including a trainable layer BELOW the frozen ones, whose
// change proves the gradient is carried through them.
import { describe, expect, it } from 'vitest';
import smallCnn from '../fixtures/models/small-cnn.json' with { type: 'json' };
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { modelInfo, type ModelInfo } from '../../src/model/model-info.ts';
import { Rng } from '../../src/model/rng.ts';
import { expectStepsMatch, gpuTrainingSteps, randomizedWeights, referenceTrainingSteps, type StepsRun } from './training-steps.ts';

const STEPS = 3;
const BATCH = 4;

/** small-cnn with the named layers' trainable set to false. */
function smallCnnFreezing(frozen: readonly string[]): ModelInfo {
  const config = structuredClone(smallCnn) as { config: { layers: { config: Record<string, unknown> }[] } };
  for (const l of config.config.layers) if (frozen.includes(l.config.name as string)) l.config.trainable = false;
  return modelInfo(parseModelConfig(config));
}

const CASES = [
  // The gradient reaches conv2d through a frozen BatchNormalization (moving statistics) and a frozen Dense.
  { frozen: ['batch_normalization', 'dense'], below: 'conv2d/kernel', optimizer: { kind: 'adam', lr: 0.001, momentum: 0 } },
  // A frozen last layer and first layer; the middle trains (BatchNormalization in training mode), with SGD's momentum.
  { frozen: ['conv2d', 'dense_1'], below: 'dense/kernel', optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 } },
] satisfies { frozen: string[]; below: string; optimizer: StepsRun['optimizer'] }[];

describe('frozen layers train nothing, and pass the gradient on', () => {
  for (const c of CASES) {
    it(`${c.optimizer.kind}, frozen ${c.frozen.join(', ')}`, async () => {
      const model = smallCnnFreezing(c.frozen);
      const rng = new Rng(31);
      const count = BATCH * STEPS;
      const run: StepsRun = {
        model,
        w0: randomizedWeights(model, 5, rng),
        images: Uint8Array.from({ length: count * model.inputSize }, () => (rng.nextFloat() < 0.4 ? rng.nextInt(256) : 0)),
        labels: Uint8Array.from({ length: count }, () => rng.nextInt(10)),
        batch: BATCH,
        steps: STEPS,
        optimizer: c.optimizer,
        seed: 9,
      };
      const gpu = await gpuTrainingSteps(run);
      const ref = referenceTrainingSteps(run);

      const frozenTensors = model.params.entries.filter((p) => c.frozen.includes(p.layer));
      expect(frozenTensors.length).toBeGreaterThan(0);
      for (const p of frozenTensors) {
        expect(p.trainable, p.name).toBe(false);
        const range = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset + p.offset * 4, p.size));
        expect(range(gpu.params), `${p.name} is bit for bit its initial value`).toEqual(range(run.w0));
        expect(range(gpu.moment1).every((x) => x === 0), `${p.name}: first moment (or velocity) zero`).toBe(true);
        expect(range(gpu.moment2).every((x) => x === 0), `${p.name}: second moment zero`).toBe(true);
      }
      for (const p of model.params.entries.filter((q) => q.trainable)) {
        const moved = gpu.params.subarray(p.offset, p.offset + p.size).some((x, i) => x !== run.w0[p.offset + i]);
        expect(moved, `${p.name} trains`).toBe(true);
      }
      // The trainable layer below the frozen ones: its update is the reference's (checked below
      // for every tensor) and far from nothing.
      const below = model.params.get(c.below);
      let change2 = 0;
      for (let i = below.offset; i < below.offset + below.size; i++) change2 += (ref[i] - run.w0[i]) ** 2;
      expect(Math.sqrt(change2 / below.size), `${c.below}: the reference's update`).toBeGreaterThan(c.optimizer.lr * 0.1);
      expectStepsMatch(run, gpu.params, ref, `frozen ${c.frozen.join(', ')}`);
    });
  }
});
