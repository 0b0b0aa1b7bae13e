// What autotuning reports of a run (browser-safe and free of GPU code, so that the CLI's
// driver can print and record it): the mode, the environment, and per slot the choice and
// every candidate's outcome.
import type { TimingMethod, TuneEntry } from './cache.ts';
import type { TuneEnvironment } from './key.ts';
import type { ActiveTuning, AutotuneMode } from './mode.ts';
import type { SlotReport } from './tuner.ts';

export interface TuneReport {
  mode: AutotuneMode;
  /** What the mode came to on this adapter. */
  active: ActiveTuning;
  environment: TuneEnvironment;
  /** How the measured slots were timed; null when nothing was measured. */
  timing: TimingMethod | null;
  slots: SlotReport[];
  /** Entries to write into the cache (the slots measured now), by key. */
  updates: Record<string, TuneEntry>;
}

/** A kernel chosen for one layer's pass: what the model plan's KernelChoices override is made of. */
export interface TunedChoice {
  layer: string;
  pass: string;
  id: string;
}

/** Every slot's chosen kernel, for the model plan's KernelChoices override. */
export function tunedChoices(report: TuneReport): TunedChoice[] {
  return report.slots.map((s) => ({ layer: s.layer, pass: s.pass, id: s.choice }));
}

/** What history.json records of the tuning: the report without cache keys and cache updates. */
export function tuningHistory(report: TuneReport): TuningHistory {
  return {
    mode: report.mode,
    active: report.active,
    timing: report.timing,
    slots: report.slots.map(({ key: _key, ...s }) => s),
  };
}

export interface TuningHistory {
  mode: AutotuneMode;
  active: ActiveTuning;
  timing: TimingMethod | null;
  slots: Omit<SlotReport, 'key'>[];
}
