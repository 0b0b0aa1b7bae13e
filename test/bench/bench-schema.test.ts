// The benchmark JSON's one schema check (bench/bench-schema.ts): a whole result passes; a
// missing key, a wrong type and a bad row are each named by their path.
import { describe, expect, it } from 'vitest';
import { benchJsonProblems } from '../../bench/bench-schema.ts';
import { benchJson, inferenceSentence, type BenchResult } from '../../bench/bench-protocol.ts';

const row = { name: 'conv forward tile5x5', layer: 'conv', shader: 'tile5x5', shape: '(128, 24, 24, 32)', ms: 1.5, gflops: 2, gbps: 3, reps: 2, share: 1 };
const result: BenchResult = {
  adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader', isFallback: true, features: ['timestamp-query'], label: 'SwiftShader' },
  timing: 'wall',
  validation: [{ name: 'conv forward', error: 1e-7, tolerance: 1e-4, ok: true }],
  kernels: [row],
  inferKernels: [row],
  floor: { kernel: 'tile5x5', batch: 1000, ms: 10, arithmetic_ms: 5 },
  variants: [{ name: 'conv tile5x5', ms: 1, gflops: 2, error: 0, promoted: true }],
  train: { ms_per_step: 10, samples_per_s: 12800, epoch_seconds: 4.2, batch: 128, steps_per_submit: 8 },
  autotune: {
    tuning: {
      mode: 'on', active: 'on', timing: 'wall',
      slots: [{ layer: 'dense', type: 'Dense', pass: 'forward', plan: 'training', batch: 128, choice: 'dense.forward.tile4x4', fixed: 'dense.forward.tile16x16', source: 'tuned', candidates: [{ id: 'dense.forward.tile4x4', ms: 1 }], timing: 'wall' }],
    },
    train: { ms_per_step: 9, samples_per_s: 14222, epoch_seconds: 3.8, batch: 128, steps_per_submit: 8 },
  },
  infer: { images_per_s: 1e5, ms_per_1000: 10, ms_with_readback: 12, readback_ms: 1.5, batch: 1000 },
};

describe('benchJsonProblems', () => {
  it('passes a whole result, through JSON and back', () => {
    expect(benchJsonProblems(JSON.parse(JSON.stringify(benchJson(result, 'Chromium 1'))))).toEqual([]);
  });
  it('names a missing key, a wrong type and a bad row by path', () => {
    const json = JSON.parse(JSON.stringify(benchJson(result, 'Chromium 1')));
    delete json.train.ms_per_step;
    json.runtime = 3;
    json.kernels[0].share = '1';
    json.floor = { kernel: 'tile5x5' };
    delete json.autotune.tuning.slots[0].plan;
    delete json.autotune.train;
    expect(benchJsonProblems(json)).toEqual([
      '$.runtime: expected string, got number',
      '$.kernels[0].share: expected number, got string',
      '$.train.ms_per_step: missing',
      '$.floor.batch: missing',
      '$.floor.ms: missing',
      '$.floor.arithmetic_ms: missing',
      '$.autotune.tuning.slots[0].plan: missing',
      '$.autotune.train: missing',
    ]);
    expect(benchJsonProblems([])).toEqual(['$: expected an object']);
  });
});

describe('inferenceSentence', () => {
  const infer = { images_per_s: 850, ms_per_1000: 1176.5, ms_with_readback: 1190.2, readback_ms: 3.25, batch: 1000 };
  it('states the GPU time, the pass with its readback and what the readback adds', () => {
    expect(inferenceSentence(infer)).toBe(
      '850 images/s; 1000 images: 1176.5 ms on the GPU; one pass of 1000 images with the logits read back 1190.2 ms, of which the readback adds 3.3 ms (median of paired passes)',
    );
  });
  it('says a negative paired difference is noise, not a readback that saves time', () => {
    expect(inferenceSentence({ ...infer, readback_ms: -2.04 })).toMatch(/the readback adds no measurable time \(-2\.0 ms, within the noise\)/);
  });
});
