// What autotuning reports of a run (browser-safe and free of GPU code, so that the CLI's
// driver can print and record it): the mode, the environment, and per slot the choice and
// every candidate's outcome.
import type { TimingMethod, TuneEntry } from './cache.ts';
import type { TuneEnvironment } from './key.ts';
import type { ActiveTuning, AutotuneMode } from './mode.ts';
import type { SlotReport } from './tuner.ts';
import type { PlanKernelChoices } from '../gpu/kernel-registry.ts';

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

/** Every slot's chosen kernel as the trainer's plans take it: plan kind -> layer -> pass -> entry id. */
export function tunedChoices(report: TuneReport): PlanKernelChoices {
  const choices: Record<string, Record<string, Record<string, string>>> = {};
  for (const s of report.slots) {
    const layers = (choices[s.plan] ??= {});
    (layers[s.layer] ??= {})[s.pass] = s.choice;
  }
  return choices as PlanKernelChoices;
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
