// Property test: for 20 random valid Sequential specs (fixed seeds; test/model/random-spec.ts),
// three whole GPU training steps (gather, forward, loss, backward, optimizer; the plan the
// trainer runs, with its fusions and special-case kernels where they apply) equal three steps
// of the float64 reference composed from the layer references (test/reference/sequential.ts),
// given the same initial weights, batches and the dropout masks of the GPU's counter-based RNG.
// The last step is a partial batch (one sample short) wherever the batch size allows, and a
// plan of another batch size compiles no pipeline: every kernel reads the batch size at run time.
// Every fourth spec runs the generated GEMMs (src/gpu/gemm/) wherever a slot offers one (the
// general Conv2D's passes), a different tile from spec to spec, instead of the fixed rules.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { modelInfo, type ModelInfo } from '../../src/model/model-info.ts';
import { randomSpec } from '../model/random-spec.ts';
import { expectStepsMatch, gpuTrainingSteps, randomizedWeights, referenceTrainingSteps, type StepsRun } from './training-steps.ts';
import type { KernelChoices, KernelSlot } from '../../src/gpu/kernel-registry.ts';
import { isFastConv } from '../../src/layers/single-layers.ts';

const SPECS = 20;
const STEPS = 3;
const SEED = 77;
/** Specs whose seed is a multiple of this run the generated GEMMs. */
const GEMM_EVERY = 4;

/** The `pick`-th generated candidate (cycling) of every slot that has one. */
function generatedKernels(pick: number): (slots: readonly KernelSlot[]) => KernelChoices {
  return (slots) => {
    const choices: Record<string, Record<string, string>> = {};
    for (const slot of slots) {
      const generated = slot.candidates.filter((id) => id.split('.')[2].startsWith('gemm-'));
      if (generated.length > 0) (choices[slot.layer] ??= {})[slot.pass] = generated[pick % generated.length];
    }
    return choices;
  };
}

function describeModel(m: ModelInfo): string {
  return `(${m.inputShape.join('x')}) ` + m.layers.map((l) => `${l.spec.type}[${l.outputShape.join('x')}]`).join(' ');
}

async function compareSteps(specSeed: number): Promise<void> {
  const rng = new Rng(specSeed);
  const model = modelInfo(randomSpec(rng));
  const batch = pick(rng, [1, 3, 5]);
  const optimizer = rng.nextFloat() < 0.7 ? 'adam' : 'sgd';
  const lr = optimizer === 'adam' ? 0.001 : 0.05;
  const count = batch * STEPS - (batch > 1 ? 1 : 0);
  const images = Uint8Array.from({ length: count * model.inputSize }, () => (rng.nextFloat() < 0.4 ? rng.nextInt(256) : 0));
  const labels = Uint8Array.from({ length: count }, () => rng.nextInt(10));
  const w0 = randomizedWeights(model, specSeed, rng);

  let generated = 0;
  const kernels = specSeed % GEMM_EVERY === 0
    ? (slots: readonly KernelSlot[]) => {
        const choices = generatedKernels(specSeed / GEMM_EVERY)(slots);
        generated = Object.values(choices).reduce((n, passes) => n + Object.keys(passes).length, 0);
        return choices;
      }
    : undefined;
  const run: StepsRun = { model, w0, images, labels, batch, steps: STEPS, count, optimizer: { kind: optimizer, lr, momentum: 0.9 }, seed: SEED, kernels };
  const gpu = await gpuTrainingSteps(run, batch + 2);
  expect(gpu.otherBatchPipelines, 'pipelines compiled for another batch size').toBe(0);
  // A general Conv2D has three passes with generated candidates (two without an input gradient).
  const generalConvs = model.layers.filter((l) => l.spec.type === 'Conv2D' && !isFastConv(l)).length;
  if (kernels) expect(generated, 'passes on generated GEMMs').toBeGreaterThanOrEqual(2 * generalConvs);
  const params = referenceTrainingSteps(run);

  expectStepsMatch(run, gpu.params, params, `spec ${specSeed} ${describeModel(model)} B=${batch} ${optimizer}`);
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.nextInt(xs.length)];
}

describe('random Sequential specs: three GPU training steps equal the float64 reference', () => {
  for (let s = 1; s <= SPECS; s++) it(`spec seed ${s}`, () => compareSteps(s));
});
