import { describe, expect, it } from 'vitest';
import { tuningHistory, tunedChoices, type TuneReport } from '../../src/tune/report.ts';
import { fastest } from '../../src/tune/tuner.ts';
import { tuneTable } from '../../src/tune/table.ts';

const environment = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'H200', runtime: 'Chrome/131' };
const base: TuneReport = { mode: 'auto', active: 'on', environment, timing: 'timestamp', slots: [], updates: {} };
const slot = (layer: string, pass: string, extra: Partial<TuneReport['slots'][number]>): TuneReport['slots'][number] => ({
  layer, type: 'Conv2D', pass, plan: 'training', batch: 128, key: `key-${layer}-${pass}`, choice: 'general', fixed: 'general', source: 'tuned', candidates: [], timing: 'timestamp', ...extra,
});
const report: TuneReport = {
  ...base,
  slots: [
    slot('conv2d', 'forward', { choice: 'tile5x5', candidates: [{ id: 'general', ms: 1.5 }, { id: 'tile5x5', ms: 0.25 }, { id: 'tile4x4', invalid: 'output differs\nmore' }] }),
    slot('conv2d_1', 'backward_input', { source: 'cache', candidates: [{ id: 'general', ms: 2 }, { id: 'rows', ms: 3 }] }),
    slot('dense', 'forward', { source: 'fixed', note: 'not tuned: the reference output has NaN at 3' }),
    slot('dense', 'forward', { plan: 'evaluation', batch: 500, choice: 'tile4x4', candidates: [{ id: 'general', ms: 4 }, { id: 'tile4x4', ms: 1 }] }),
  ],
};

describe('tuneTable', () => {
  it('says why the fixed rules chose when tuning is off or there is nothing to tune', () => {
    expect(tuneTable({ ...base, active: 'off' })).toEqual(['Kernels: the fixed rules (--autotune auto on a software adapter)']);
    expect(tuneTable({ ...base, mode: 'off', active: 'off' })).toEqual(['Kernels: the fixed rules (--autotune off)']);
    expect(tuneTable(base)[0]).toMatch(/^Kernels: the fixed rules \(no layer/);
  });

  it('prints one aligned row per layer and pass with every candidate, then why candidates were invalid', () => {
    expect(tuneTable(report)).toEqual([
      'Kernels (--autotune auto, timed with timestamp queries):',
      '  layer     pass            choice   from   candidates',
      '  conv2d    forward         tile5x5  tuned  general 1.500 ms, tile5x5 0.250 ms, tile4x4 invalid',
      '  conv2d_1  backward_input  general  cache  general 2.000 ms, rows 3.000 ms',
      '  dense     forward         general  fixed  not tuned: the reference output has NaN at 3',
      '  dense     forward (eval)  tile4x4  tuned  general 4.000 ms, tile4x4 1.000 ms',
      '  conv2d forward: tile4x4 invalid: output differs',
    ]);
  });
});

describe('what a run keeps of the tuning', () => {
  it('gives each plan kind one choice per layer and pass, and history.json the report without cache keys', () => {
    expect(tunedChoices(report)).toEqual({
      training: { conv2d: { forward: 'tile5x5' }, conv2d_1: { backward_input: 'general' }, dense: { forward: 'general' } },
      evaluation: { dense: { forward: 'tile4x4' } },
    });
    const h = tuningHistory(report);
    expect(Object.keys(h)).toEqual(['mode', 'active', 'timing', 'slots']);
    expect(h.slots[0]).toEqual({ layer: 'conv2d', type: 'Conv2D', pass: 'forward', plan: 'training', batch: 128, choice: 'tile5x5', fixed: 'general', source: 'tuned', candidates: report.slots[0].candidates, timing: 'timestamp' });
    expect(JSON.stringify(h)).not.toContain('key-');
  });
});

describe('fastest', () => {
  it('takes the smallest time among valid candidates; a tie goes to the fixed choice, then to the earlier one', () => {
    expect(fastest([{ id: 'a', ms: 2 }, { id: 'b', ms: 1 }, { id: 'c', invalid: 'x' }], 'a')).toBe('b');
    expect(fastest([{ id: 'a', ms: 1 }, { id: 'b', ms: 1 }], 'b')).toBe('b');
    expect(fastest([{ id: 'a', ms: 1 }, { id: 'b', ms: 1 }], 'z')).toBe('a');
    expect(fastest([{ id: 'c', invalid: 'x' }], 'c')).toBeNull();
  });
});
