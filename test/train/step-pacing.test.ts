import { describe, expect, it } from 'vitest';
import { FIRST_PACING, MAX_STEPS_PER_SUBMIT, pacingFor, SLOW_STEP_MS, StepClock, stepsAfterPause, TARGET_SUBMIT_MS } from '../../src/train/step-pacing.ts';

describe('pacingFor', () => {
  it('groups fast steps up to the maximum, two submits in flight', () => {
    expect(pacingFor(1)).toEqual({ stepsPerSubmit: MAX_STEPS_PER_SUBMIT, inFlight: 2 });
    expect(pacingFor(10)).toEqual({ stepsPerSubmit: 5, inFlight: 2 }); // 50 ms / 10 ms
    expect(pacingFor(TARGET_SUBMIT_MS)).toEqual({ stepsPerSubmit: 1, inFlight: 2 });
  });

  it('runs slow steps (SwiftShader) one at a time with nothing queued: a pause lands at the next step', () => {
    const slow = pacingFor(SLOW_STEP_MS);
    expect(slow).toEqual({ stepsPerSubmit: 1, inFlight: 1 });
    expect(stepsAfterPause(slow)).toBe(1);
    expect(pacingFor(900)).toEqual(slow);
  });

  it('bounds the GPU time a pause waits for: at most one slow step or two target submits', () => {
    for (const ms of [0.3, 2, 7, 24, 49, 51, 99, 100, 400, 5000]) {
      const p = pacingFor(ms);
      const waitMs = stepsAfterPause(p) * ms;
      expect(waitMs).toBeLessThanOrEqual(Math.max(ms, 2 * SLOW_STEP_MS));
      expect(p.stepsPerSubmit).toBeGreaterThanOrEqual(1);
      expect(p.stepsPerSubmit).toBeLessThanOrEqual(MAX_STEPS_PER_SUBMIT);
    }
  });

  it('falls back to one step alone for a missing or bad measurement', () => {
    for (const ms of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(pacingFor(ms)).toEqual(FIRST_PACING);
  });
});

describe('StepClock', () => {
  it('starts with one step alone, then paces from the measured step time', () => {
    const c = new StepClock();
    expect(c.pacing).toEqual(FIRST_PACING);
    c.record(1, 0, 4); // 4 ms per step
    expect(c.stepMs).toBe(4);
    expect(c.pacing).toEqual({ stepsPerSubmit: 8, inFlight: 2 });
  });

  it('times a queued submit from the previous completion, not from its submission', () => {
    const c = new StepClock();
    c.record(8, 0, 80); // 10 ms per step
    c.record(8, 1, 160); // submitted at 1 while the first ran: 80 ms of its own, 10 ms per step
    expect(c.stepMs).toBe(10);
    c.idle(); // a pause: the next submit starts on an idle GPU
    c.record(4, 1000, 1080); // 20 ms per step; averaged with 10
    expect(c.stepMs).toBe(15);
  });
});
