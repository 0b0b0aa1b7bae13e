// step_begin / step_end and the host helpers of src/layers/step-state.ts.
import { describe, expect, it } from 'vitest';
import {
  createStepBegin,
  createStepEnd,
  createStepState,
  readStepState,
  writeEpochStart,
  writeStepState,
} from '../../src/layers/step-state.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

describe('step state', () => {
  it('counts steps and batches; epoch start resets only the batch', async () => {
    const gpu = await getGpu();
    const { device } = gpu;
    await expectNoGpuErrors(device, async () => {
      const state = createStepState(device, 0xdeadbeef);
      expect(await readStepState(device, state)).toEqual({ step: 0, batch: 0, seed: 0xdeadbeef });
      const begin = createStepBegin(gpu, state);
      const end = createStepEnd(gpu, state);
      // three steps in one submit, then two more in separate submits
      runDispatches(device, [begin, end, begin, end, begin, end]);
      expect(await readStepState(device, state)).toEqual({ step: 3, batch: 3, seed: 0xdeadbeef });
      runDispatches(device, [begin]);
      runDispatches(device, [begin, end]);
      expect(await readStepState(device, state)).toEqual({ step: 5, batch: 4, seed: 0xdeadbeef });
      writeEpochStart(device, state);
      expect(await readStepState(device, state)).toEqual({ step: 5, batch: 0, seed: 0xdeadbeef });
      runDispatches(device, [begin, end]);
      expect(await readStepState(device, state)).toEqual({ step: 6, batch: 1, seed: 0xdeadbeef });
      writeStepState(device, state, { step: 1000, batch: 7, seed: 5 });
      runDispatches(device, [begin, end]);
      expect(await readStepState(device, state)).toEqual({ step: 1001, batch: 8, seed: 5 });
      state.destroy();
    });
  });
});
