// Property test: for 20 random valid Sequential specs (fixed seeds; test/model/random-spec.ts),
// three whole GPU training steps (gather, forward, loss, backward, optimizer; the plan the
// trainer runs, with its fusions and special-case kernels where they apply) equal three steps
// of the float64 reference composed from the layer references (test/reference/sequential.ts),
// given the same initial weights, batches and the dropout masks of the GPU's counter-based RNG.
import { describe, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { modelInfo, type ModelInfo } from '../../src/model/model-info.ts';
import { randomSpec } from '../model/random-spec.ts';
import { expectStepsMatch, gpuTrainingSteps, randomizedWeights, referenceTrainingSteps, type StepsRun } from './training-steps.ts';

const SPECS = 20;
const STEPS = 3;
const SEED = 77;

function describeModel(m: ModelInfo): string {
  return `(${m.inputShape.join('x')}) ` + m.layers.map((l) => `${l.spec.type}[${l.outputShape.join('x')}]`).join(' ');
}

async function compareSteps(specSeed: number): Promise<void> {
  const rng = new Rng(specSeed);
  const model = modelInfo(randomSpec(rng));
  const batch = pick(rng, [1, 3, 5]);
  const optimizer = rng.nextFloat() < 0.7 ? 'adam' : 'sgd';
  const lr = optimizer === 'adam' ? 0.001 : 0.05;
  const count = batch * STEPS;
  const images = Uint8Array.from({ length: count * model.inputSize }, () => (rng.nextFloat() < 0.4 ? rng.nextInt(256) : 0));
  const labels = Uint8Array.from({ length: count }, () => rng.nextInt(10));
  const w0 = randomizedWeights(model, specSeed, rng);

  const run: StepsRun = { model, w0, images, labels, batch, steps: STEPS, optimizer: { kind: optimizer, lr, momentum: 0.9 }, seed: SEED };
  const wGpu = (await gpuTrainingSteps(run)).params;
  const params = referenceTrainingSteps(run);

  expectStepsMatch(run, wGpu, params, `spec ${specSeed} ${describeModel(model)} B=${batch} ${optimizer}`);
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.nextInt(xs.length)];
}

describe('random Sequential specs: three GPU training steps equal the float64 reference', () => {
  for (let s = 1; s <= SPECS; s++) it(`spec seed ${s}`, () => compareSteps(s));
});
