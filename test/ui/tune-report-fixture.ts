// A made-up autotuning report (src/tune/report.ts) for the page's tests: one slot tuned now
// (one candidate invalid), one from the cache, one the tuner could not measure.
import type { ActiveTuning, AutotuneMode } from '../../src/tune/mode.ts';
import type { TuneReport } from '../../src/tune/report.ts';
import type { SlotReport } from '../../src/tune/tuner.ts';

const BASE = { type: 'Conv2D', batch: 64, timing: 'timestamp' as const };

export const TUNED_SLOT: SlotReport = {
  ...BASE,
  layer: 'conv2d_1',
  pass: 'forward',
  plan: 'training',
  key: 'key-1',
  choice: 'conv2d.forward.tile4x4',
  fixed: 'conv2d.forward.tile5x5',
  source: 'tuned',
  candidates: [
    { id: 'conv2d.forward.tile4x4', ms: 100.4004 },
    { id: 'conv2d.forward.tile5x5', ms: 144.8511 },
    { id: 'conv2d.forward.tiled', invalid: 'logits differ by 3e-2 > 1e-4\nat index 7 <b>' },
  ],
};

export const CACHED_SLOT: SlotReport = {
  ...BASE,
  layer: 'dense',
  type: 'Dense',
  pass: 'forward',
  plan: 'evaluation',
  batch: 500,
  key: 'key-2',
  choice: 'dense.forward.tile16x16',
  fixed: 'dense.forward.tile16x16',
  source: 'cache',
  candidates: [
    { id: 'dense.forward.tile16x16', ms: 3.748 },
    { id: 'dense.forward.tile4x4', ms: 10.609 },
  ],
};

export const UNTUNED_SLOT: SlotReport = {
  ...BASE,
  layer: 'dense',
  type: 'Dense',
  pass: 'backward-weights',
  plan: 'training',
  key: 'key-3',
  choice: 'dense.backward-weights.tile16x16',
  fixed: 'dense.backward-weights.tile16x16',
  source: 'fixed',
  candidates: [],
  timing: null,
  note: 'not tuned: the reference output has NaN',
};

export function tuneReport(mode: AutotuneMode, active: ActiveTuning, slots: SlotReport[] = [TUNED_SLOT, CACHED_SLOT, UNTUNED_SLOT]): TuneReport {
  return {
    mode,
    active,
    environment: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader', runtime: 'Chrome/153' },
    timing: slots.some((s) => s.source === 'tuned') ? 'timestamp' : null,
    slots,
    updates: { 'key-1': { choice: TUNED_SLOT.choice, candidates: TUNED_SLOT.candidates, timing: 'timestamp', tunedAt: '2026-12-03T00:00:00.000Z' } },
  };
}
