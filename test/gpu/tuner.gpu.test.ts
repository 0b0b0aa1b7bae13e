// The autotuner with real dispatches on a fake slot (test/gpu/fake-tune-slot.ts): a general
// kernel, a slower correct one, a wrong one that is the fastest of all, and one that does not compile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAdapter, type Gpu } from '../../src/gpu/device.ts';
import { GpuTimer } from '../../src/gpu/timing.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { emptyTuneCache, mergeTuneEntries, type CandidateOutcome, type TuneCache } from '../../src/tune/cache.ts';
import { tuneEnvironment, type TuneEnvironment } from '../../src/tune/key.ts';
import { tuneSlots, type TunerOptions } from '../../src/tune/tuner.ts';
import { autotuneSlots } from '../../src/tune/autotune-run.ts';
import { tuneTable } from '../../src/tune/table.ts';
import { fakeSlot, referenceOf, type FakeKernel, type FakeSlot } from './fake-tune-slot.ts';
import { expectNoGpuErrors, getGpu } from './gpu-fixture.ts';
import { compareToReference } from '../../src/gpu/tolerance.ts';

const N = 1 << 16;
const ALL: FakeKernel[] = ['general', 'slow', 'wrong', 'broken'];

let gpu: Gpu;
let env: TuneEnvironment;

beforeAll(async () => {
  gpu = await getGpu();
  env = tuneEnvironment(gpu.adapter, 'Chrome/test');
  console.log(`adapter: ${describeAdapter(gpu.adapter)}, timestamps: ${gpu.hasTimestamps}`);
});

const slots: FakeSlot[] = [];
afterAll(() => slots.forEach((s) => s.destroy()));

function slotOf(kernels: FakeKernel[] = ALL, extra: { batch?: number; fixed?: FakeKernel } = {}): FakeSlot {
  const s = fakeSlot(gpu.device, { n: N, batch: extra.batch ?? 32, kernels, fixed: extra.fixed });
  slots.push(s);
  return s;
}

function options(cache: TuneCache, refresh: boolean, more: Partial<TunerOptions> = {}): TunerOptions {
  return { device: gpu.device, env, useTimestamps: gpu.hasTimestamps, cache, refresh, budgetMs: 300, ...more };
}

const msOf = (outcomes: CandidateOutcome[], id: string) => {
  const o = outcomes.find((c) => c.id === id);
  if (!o || !('ms' in o)) throw new Error(`${id} was not timed`);
  return o.ms;
};

describe('the fake slot', () => {
  it('general and slow compute 3x + 1 (float64 reference); wrong does not, and is the fastest', async () => {
    const slot = slotOf();
    const timer = new GpuTimer(gpu.device, gpu.hasTimestamps);
    const times = new Map<FakeKernel, number>();
    await expectNoGpuErrors(gpu.device, async () => {
      for (const id of ['general', 'slow', 'wrong'] as const) {
        const built = slot.buildKernel(id);
        slot.reset(7);
        runDispatches(gpu.device, built.dispatches);
        const diff = compareToReference(await built.readOutput(), referenceOf(slot.input()), 2e-6, 2e-4);
        if (id === 'wrong') expect(diff.bad).toBeGreaterThan(N / 2);
        else expect(diff.bad, `${id}: max abs ${diff.maxAbs}`).toBe(0);
        times.set(id, (await timer.time(built.dispatches, { budgetMs: 100, minReps: 3, maxReps: 20 })).ms);
      }
    });
    timer.destroy();
    console.log(`fake kernels (${timer.method}): ${[...times].map(([id, ms]) => `${id} ${ms.toFixed(3)} ms`).join(', ')}`);
    expect(times.get('wrong')!).toBeLessThan(times.get('general')!);
    expect(times.get('general')!).toBeLessThan(times.get('slow')!);
  });
});

describe('tuneSlots', () => {
  it('refresh builds, validates and times every candidate, rejects the wrong and the broken one, picks the fastest valid one and returns its cache entry', async () => {
    const slot = slotOf();
    const result = await tuneSlots([slot], options(emptyTuneCache(), true));
    const [r] = result.slots;
    console.log(tuneTable({ mode: 'refresh', active: 'refresh', timing: r.timing, slots: result.slots }).join('\n'));
    expect(Object.fromEntries(slot.builds)).toEqual({ general: 1, slow: 1, wrong: 1, broken: 1 });
    expect(r.source).toBe('tuned');
    expect(r.timing).toBe(gpu.hasTimestamps ? 'timestamp' : 'wall');
    expect(r.candidates.map((c) => c.id)).toEqual(ALL);
    const wrong = r.candidates.find((c) => c.id === 'wrong')!;
    expect('invalid' in wrong && wrong.invalid).toMatch(/output differs from the reference: at \d+/);
    const broken = r.candidates.find((c) => c.id === 'broken')!;
    expect('invalid' in broken && broken.invalid).toMatch(/GPU validation error/);
    expect(msOf(r.candidates, 'general')).toBeLessThan(msOf(r.candidates, 'slow'));
    expect(r.choice).toBe('general');
    expect(Object.keys(result.updates)).toEqual([r.key]);
    expect(result.updates[r.key]).toMatchObject({ choice: 'general', candidates: r.candidates, timing: r.timing });
  });

  it('never chooses the wrong kernel, not even when the fixed rules name it', async () => {
    const slot = slotOf(['slow', 'general', 'wrong'], { fixed: 'wrong' });
    const { slots: [r] } = await tuneSlots([slot], options(emptyTuneCache(), false));
    // The fixed rules' own choice is wrong: it is still not chosen.
    expect(r.choice).toBe('general');
    expect(r.candidates.find((c) => c.id === 'wrong')).toHaveProperty('invalid');
  });

  it('a second run reads the cache and builds, runs and times nothing; refresh measures again', async () => {
    const slot = slotOf();
    const first = await tuneSlots([slot], options(emptyTuneCache(), false));
    const cache = mergeTuneEntries(emptyTuneCache(), first.updates);
    slot.builds.clear();
    slot.readbacks = 0;
    const second = await tuneSlots([slot], options(cache, false));
    expect(slot.builds.size).toBe(0);
    expect(slot.readbacks).toBe(0);
    expect(second.updates).toEqual({});
    expect(second.slots[0]).toMatchObject({ source: 'cache', choice: first.slots[0].choice, candidates: first.slots[0].candidates });
    const again = await tuneSlots([slot], options(cache, true));
    expect(Object.fromEntries(slot.builds)).toEqual({ general: 1, slow: 1, wrong: 1, broken: 1 });
    expect(again.slots[0].source).toBe('tuned');
  });

  it('misses the cache when the batch, the adapter description or the candidates change', async () => {
    const slot = slotOf(['general', 'slow']);
    const cache = mergeTuneEntries(emptyTuneCache(), (await tuneSlots([slot], options(emptyTuneCache(), false))).updates);
    const measured = async (s: FakeSlot, e: TuneEnvironment) => {
      s.builds.clear();
      const r = await tuneSlots([s], options(cache, false, { env: e }));
      return [r.slots[0].source, s.builds.size];
    };
    expect(await measured(slot, env)).toEqual(['cache', 0]);
    expect(await measured(slotOf(['general', 'slow'], { batch: 64 }), env)).toEqual(['tuned', 2]);
    expect(await measured(slot, { ...env, description: `${env.description} (another)` })).toEqual(['tuned', 2]);
    expect(await measured(slotOf(['general', 'slow', 'wrong']), env)).toEqual(['tuned', 3]);
  });

  it('times by wall clock (one submit of many replays) without timestamp queries', async () => {
    const slot = slotOf(['general', 'slow', 'wrong']);
    const { slots: [r] } = await tuneSlots([slot], options(emptyTuneCache(), true, { useTimestamps: false }));
    expect(r.timing).toBe('wall');
    expect(r.choice).toBe('general');
    expect(msOf(r.candidates, 'general')).toBeLessThan(msOf(r.candidates, 'slow'));
  });

  it('refuses a slot whose fixed choice is not a candidate', async () => {
    const slot = slotOf(['general', 'slow'], { fixed: 'wrong' });
    await expect(tuneSlots([slot], options(emptyTuneCache(), true))).rejects.toThrow(/the fixed choice wrong is not among the candidates/);
  });
});

describe('autotuneSlots (a run)', () => {
  it('auto keeps the fixed rules on a software adapter and on tunes there; the slots are destroyed after', async () => {
    const auto = slotOf();
    const off = await autotuneSlots(gpu, [auto], { mode: 'auto', cache: null }, 'Chrome/test');
    if (gpu.adapter.isFallback) {
      expect(off).toMatchObject({ active: 'off', slots: [], timing: null });
      expect(auto.builds.size).toBe(0);
    }
    const slot = slotOf(['general', 'slow']);
    let destroyed = 0;
    const destroy = slot.destroy;
    slot.destroy = () => {
      destroyed++;
      destroy();
    };
    const on = await autotuneSlots(gpu, [slot], { mode: 'on', cache: null, budgetMs: 200 }, 'Chrome/test');
    expect(on.active).toBe('on');
    expect(on.slots[0]).toMatchObject({ source: 'tuned', choice: 'general' });
    expect(Object.keys(on.updates)).toHaveLength(1);
    expect(destroyed).toBe(1);
  });
});
