// Soak: nothing leaks across epochs, trainers, evaluations and predictions. A tiny model
// (test/fixtures/models/small-cnn.json) trains for many short epochs; then trainers are built
// and destroyed again and again and the model evaluates and predicts repeatedly. The live GPU
// objects (counted per kind at the device, src/gpu/gpu-objects.ts) must be exactly the same
// after every epoch from the second on, no bind group, pipeline or layout may be created after
// the build, every buffer and bind group must be back to the baseline once the trainers are
// destroyed (pipelines stay in the device's cache, as many as the first build made), and the
// JS heap (V8's used size after a full collection, read through the Chrome DevTools Protocol)
// must stay within a bound. The figures are printed for the README.
import { describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import smallCnn from '../fixtures/models/small-cnn.json' with { type: 'json' };
import { gpuObjectCounts, liveGpuObjects, type GpuObjectKind } from '../../src/gpu/gpu-objects.ts';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../../src/train/types.ts';
import { fakeMnist } from './fake-mnist.ts';
import { getGpu } from './gpu-fixture.ts';
import type { Gpu } from '../../src/gpu/device.ts';

const EPOCHS = 20;
/** Bound on the heap's growth from epoch 2 to epoch EPOCHS (measured: about 40 KB, the snapshots themselves included). */
const EPOCHS_HEAP_BOUND = 256 * 1024;
/** Bound on the heap's growth over the CYCLES trainers (measured: about 0.3 MB, JIT and the like; one trainer kept alive adds about 0.3 MB). */
const CYCLES_HEAP_BOUND = 1024 * 1024;
const CYCLES = 4;
const REPEATS = 10;
const data = fakeMnist(128, 500, 11);
// 128 images: 96 train in 3 steps of 32, 32 validate.
const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, model: parseModelConfig(smallCnn), epochs: EPOCHS, batchSize: 32, limit: 128, validationSplit: 0.25, seed: 3 };

/** A full garbage collection, then time for the finalizers (gpu-objects.ts counts what they report). */
async function collectGarbage(): Promise<void> {
  const session = cdp();
  for (let i = 0; i < 2; i++) {
    await session.send('HeapProfiler.collectGarbage');
    await new Promise((r) => setTimeout(r, 0));
  }
}

/** V8's used heap after a full collection (bytes). */
async function heapUsed(): Promise<number> {
  await collectGarbage();
  const usage = (await cdp().send('Runtime.getHeapUsage')) as { usedSize: number };
  return usage.usedSize;
}

interface Snapshot {
  live: Record<GpuObjectKind, number>;
  created: Record<GpuObjectKind, number>;
  heap: number;
}

async function snapshot(device: GPUDevice): Promise<Snapshot> {
  const heap = await heapUsed();
  const counts = gpuObjectCounts(device);
  const created = Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, c.created])) as Record<GpuObjectKind, number>;
  return { live: liveGpuObjects(device), created, heap };
}

/** One trainer: built, trained for EPOCHS epochs, evaluating and predicting REPEATS times, destroyed (snapshots along the way). */
async function trainAndUse(gpu: Gpu): Promise<{ afterBuild: Snapshot; epochs: Snapshot[]; uses: Snapshot[] }> {
  const { device } = gpu;
  const trainer = await Trainer.create(gpu, data, options);
  const afterBuild = await snapshot(device);
  const epochs: Snapshot[] = [];
  await trainer.fit(undefined, { afterEpoch: async () => void epochs.push(await snapshot(device)) });
  const images = data.test.images.subarray(0, 100 * 784);
  const uses: Snapshot[] = [];
  for (let i = 0; i < REPEATS; i++) {
    await trainer.evaluate();
    await trainer.predict(images, 100);
    uses.push(await snapshot(device));
  }
  trainer.destroy();
  return { afterBuild, epochs, uses };
}

/** A trainer built, trained for one epoch and destroyed. */
async function buildTrainDestroy(gpu: Gpu, seed: number): Promise<void> {
  const trainer = await Trainer.create(gpu, data, { ...options, epochs: 1, seed });
  await trainer.fit();
  trainer.destroy();
}

/** `live` without the bind group layouts: typegpu's root keeps one per layout declared in the code, shared by every trainer. */
const withoutLayouts = (live: Record<GpuObjectKind, number>) => ({ ...live, bindGroupLayout: 0 });

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`;
const nonZero = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== 0));

describe('soak', () => {
  it(`${EPOCHS} epochs, ${CYCLES} trainers built and destroyed, ${REPEATS} evaluations and predictions: no GPU object or heap growth`, async () => {
    const gpu = await getGpu();
    const { device } = gpu;
    const t0 = performance.now();
    const baseline = await snapshot(device);

    const { afterBuild, epochs, uses } = await trainAndUse(gpu);
    const afterDestroy = await snapshot(device);
    const t1 = performance.now();
    const cycles: Snapshot[] = [];
    for (let i = 0; i < CYCLES; i++) {
      await buildTrainDestroy(gpu, 10 + i);
      cycles.push(await snapshot(device));
    }
    const t2 = performance.now();

    console.log(
      JSON.stringify({
        baseline: nonZero(baseline.live),
        afterBuild: nonZero(afterBuild.live),
        epoch2: nonZero(epochs[1].live),
        epochN: nonZero(epochs[EPOCHS - 1].live),
        createdEpoch2: nonZero(epochs[1].created),
        createdEpochN: nonZero(epochs[EPOCHS - 1].created),
        afterDestroy: nonZero(afterDestroy.live),
        afterCycles: cycles.map((c) => nonZero(c.live)),
        heap: { baseline: mb(baseline.heap), epoch2: mb(epochs[1].heap), epochN: mb(epochs[EPOCHS - 1].heap), uses: uses.map((s) => mb(s.heap)), afterDestroy: mb(afterDestroy.heap), cycles: cycles.map((c) => mb(c.heap)) },
        seconds: { trainAndUse: ((t1 - t0) / 1000).toFixed(1), rest: ((t2 - t1) / 1000).toFixed(1) },
      }),
    );
    expect(epochs).toHaveLength(EPOCHS);
    // From epoch 2 on: the same live objects, and nothing created at all (not even a staging buffer).
    for (const e of epochs.slice(2)) {
      expect(e.live).toEqual(epochs[1].live);
      expect(e.created).toEqual(epochs[1].created);
    }
    expect(epochs[1].live.buffer).toBeGreaterThan(0);
    expect(epochs[1].live.bindGroup).toBeGreaterThan(0);
    expect(epochs[1].live.computePipeline).toBeGreaterThan(0);
    // Evaluating and predicting again and again creates nothing either.
    for (const u of uses) {
      expect(u.live).toEqual(epochs[1].live);
      expect(u.created).toEqual(epochs[1].created);
    }
    // Destroyed: every buffer released and bind groups collected. The layouts are shared, and the
    // pipelines belong to the device's pipeline cache (src/gpu/pipeline-cache.ts), which the next
    // trainer of the same model reuses: they stay as many as the build made, and no more.
    const withoutShared = (live: Snapshot['live']) => ({ ...withoutLayouts(live), computePipeline: 0 });
    expect(withoutShared(afterDestroy.live)).toEqual(withoutShared(baseline.live));
    expect(afterDestroy.live.bindGroupLayout).toBe(afterBuild.live.bindGroupLayout);
    expect(afterDestroy.live.computePipeline).toBe(afterBuild.live.computePipeline);
    for (const c of cycles) expect(c.live).toEqual(afterDestroy.live);
    // The heap: within the bounds over the epochs and over the trainers.
    expect(epochs[EPOCHS - 1].heap - epochs[1].heap).toBeLessThan(EPOCHS_HEAP_BOUND);
    expect(cycles[CYCLES - 1].heap - afterDestroy.heap).toBeLessThan(CYCLES_HEAP_BOUND);
  });
});
