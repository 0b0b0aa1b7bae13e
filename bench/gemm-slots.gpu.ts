// Dev measurement: every candidate of every tunable slot of a preset's training plan (batch
// 128) timed alone, its result compared with the fixed rules' plan (bench/kernel-variants.ts,
// the bench's variants section, for any preset instead of the seed's alone), so the generated
// GEMMs (src/gpu/gemm/) and the kernels they stand beside are measured in one run, one device.
//   npx vitest run --config bench/gemm-slots.config.ts            (presets: GEMM_PRESETS, default lenet5,strided-bn)
// Prints one line per candidate: slot, entry id, ms, GFLOP/s, error against the fixed rules, `*` the fixed rule's.
// Not a test: it asserts only that every candidate agrees with the fixed rules.
import { expect, it } from 'vitest';
import { modelInfo } from '../src/model/model-info.ts';
import { presetSpec, isPresetName } from '../src/model/presets.ts';
import { initParams } from '../src/model/init.ts';
import { createBufferWith } from '../src/gpu/buffers.ts';
import { createStepState } from '../src/layers/step-state.ts';
import { uploadSplit } from '../src/train/dataset-gpu.ts';
import { GpuTimer } from '../src/gpu/timing.ts';
import { kernelVariants } from './kernel-variants.ts';
import { fakeMnist } from '../test/gpu/fake-mnist.ts';
import { getGpu } from '../test/gpu/gpu-fixture.ts';

const BATCH = 128;
const presets = (import.meta.env.VITE_GEMM_PRESETS ?? 'lenet5,strided-bn').split(',');

for (const name of presets) {
  it(`${name}: every slot's candidates at batch ${BATCH}`, async () => {
    if (!isPresetName(name)) throw new Error(`bench/gemm-slots.gpu.ts: unknown preset ${name}`);
    const gpu = await getGpu();
    const { device, root } = gpu;
    const model = modelInfo(presetSpec(name));
    const data = uploadSplit(device, fakeMnist(BATCH, 1, 7).train, BATCH, model.inputSize, 'train');
    const params = createBufferWith(device, initParams(model.params, 42), 'params');
    const state = createStepState(device, 42);
    const timer = new GpuTimer(device, gpu.hasTimestamps);
    const indices = Uint32Array.from({ length: BATCH }, (_, i) => i);
    const rows = await kernelVariants({ device, root }, { model, batch: BATCH, training: true, data, indices, params, state }, timer, { budgetMs: 400, minReps: 3, maxReps: 20 });
    const lines = rows.map((r) => `${r.promoted ? '*' : ' '} ${r.name.padEnd(90)} ${r.ms.toFixed(2).padStart(8)} ms ${r.gflops.toFixed(2).padStart(6)} GFLOP/s  err ${r.error.toExponential(1)}`);
    console.log(`${name} (${gpu.hasTimestamps ? 'timestamp queries' : 'wall clock'}):\n${lines.join('\n')}`);
    for (const r of rows) expect(r.error, r.name).toBeLessThan(1e-3);
  }, 1_800_000);
}
