// The autotuner: for each slot not in the cache (or every slot, refreshing), builds every
// candidate once, validates its output against the general kernel's, times the valid ones a few
// repetitions each by replaying their prepared dispatches, and picks the fastest. A candidate
// that failed validation is never timed and never wins. Cached slots are not built at all.
import { GpuTimer } from '../gpu/timing.ts';
import type { PlanKind } from '../gpu/kernel-registry.ts';
import { lookupTuneEntry, type CandidateOutcome, type TimingMethod, type TuneCache, type TuneEntry } from './cache.ts';
import { tuneKey, type TuneEnvironment } from './key.ts';
import type { TuneSlot } from './slots.ts';
import { buildAndRun, mismatch, referenceProblem, type RanCandidate } from './validate.ts';

/** Default measuring time for all the slots of a model that miss the cache. */
export const DEFAULT_TUNE_BUDGET_MS = 3000;
/** Timed repetitions per candidate, whatever the budget. */
const MIN_REPS = 3;
const MAX_REPS = 50;

export interface TunerOptions {
  device: GPUDevice;
  env: TuneEnvironment;
  /** Time with timestamp queries (the device must have 'timestamp-query'), else by wall clock. */
  useTimestamps: boolean;
  cache: TuneCache;
  /** Measure every slot again, cached or not. */
  refresh: boolean;
  /** Measuring time shared by the slots that are measured (each candidate gets at least MIN_REPS runs). */
  budgetMs?: number;
  /** The measurement's time stamp (tests fix it). */
  now?: () => Date;
}

/** How a slot's kernel was chosen. */
export type ChoiceSource = 'tuned' | 'cache' | 'fixed';

export interface SlotReport {
  layer: string;
  type: string;
  pass: string;
  plan: PlanKind;
  batch: number;
  key: string;
  choice: string;
  /** The fixed rules' choice. */
  fixed: string;
  source: ChoiceSource;
  candidates: CandidateOutcome[];
  timing: TimingMethod | null;
  /** Why the fixed rules chose (the reference could not be run), when they did. */
  note?: string;
}

export interface TuneResult {
  slots: SlotReport[];
  /** New cache entries, by key: the slots measured in this call. */
  updates: Record<string, TuneEntry>;
}

/** Fastest valid candidate; ties go to the fixed rules' choice, then to the earlier candidate. */
export function fastest(outcomes: readonly CandidateOutcome[], fixed: string): string | null {
  let best: { id: string; ms: number } | null = null;
  const ordered = [...outcomes.filter((o) => o.id === fixed), ...outcomes.filter((o) => o.id !== fixed)];
  for (const o of ordered) if ('ms' in o && (best === null || o.ms < best.ms)) best = o;
  return best?.id ?? null;
}

/** Builds and validates every candidate; returns the valid ones built, and every outcome so far. */
async function validateAll(device: GPUDevice, slot: TuneSlot): Promise<{ valid: Map<string, RanCandidate>; invalid: Map<string, string> }> {
  const valid = new Map<string, RanCandidate>();
  const invalid = new Map<string, string>();
  const reference = slot.candidates.find((c) => c.id === slot.reference);
  if (!reference) throw new Error(`${slot.layer} ${slot.pass}: the reference ${slot.reference} is not among the candidates`);
  const ref = await buildAndRun(device, slot, reference);
  const problem = referenceProblem(ref.output);
  if (problem) {
    ref.built.destroy();
    throw new Error(problem);
  }
  valid.set(reference.id, ref);
  for (const c of slot.candidates) {
    if (c === reference) continue;
    try {
      const ran = await buildAndRun(device, slot, c);
      const why = mismatch(ran.output, ref.output, slot.reductionLength, slot.outputParts);
      if (why) {
        ran.built.destroy();
        invalid.set(c.id, why);
      } else {
        valid.set(c.id, ran);
      }
    } catch (e) {
      invalid.set(c.id, e instanceof Error ? e.message : String(e));
    }
  }
  return { valid, invalid };
}

/** Validates and times one slot's candidates within `budgetMs`; destroys what it built. */
async function measureSlot(device: GPUDevice, timer: GpuTimer, slot: TuneSlot, budgetMs: number): Promise<CandidateOutcome[]> {
  const { valid, invalid } = await validateAll(device, slot);
  try {
    const times = new Map<string, number>();
    const perCandidate = budgetMs / valid.size;
    for (const [id, ran] of valid) {
      const t = await timer.time(ran.built.timed ?? ran.built.dispatches, { budgetMs: perCandidate, minReps: MIN_REPS, maxReps: MAX_REPS });
      times.set(id, t.ms);
    }
    return slot.candidates.map((c): CandidateOutcome => (times.has(c.id) ? { id: c.id, ms: times.get(c.id)! } : { id: c.id, invalid: invalid.get(c.id) ?? 'not measured' }));
  } finally {
    for (const ran of valid.values()) ran.built.destroy();
  }
}

function checkSlot(slot: TuneSlot): void {
  const ids = slot.candidates.map((c) => c.id);
  if (new Set(ids).size !== ids.length) throw new Error(`${slot.layer} ${slot.pass}: candidate ids repeat (${ids.join(', ')})`);
  if (!ids.includes(slot.fixed)) throw new Error(`${slot.layer} ${slot.pass}: the fixed choice ${slot.fixed} is not among the candidates`);
}

/** Chooses a kernel for every slot: from the cache, by measurement, or (failing both) by the fixed rules. */
export async function tuneSlots(slots: readonly TuneSlot[], options: TunerOptions): Promise<TuneResult> {
  const { device, env, cache, refresh } = options;
  const now = options.now ?? (() => new Date());
  const reports: SlotReport[] = [];
  const updates: Record<string, TuneEntry> = {};
  const toMeasure: { slot: TuneSlot; key: string; at: number }[] = [];
  for (const slot of slots) {
    checkSlot(slot);
    const key = tuneKey(env, slot);
    const base = { layer: slot.layer, type: slot.type, pass: slot.pass, plan: slot.plan, batch: slot.batch, key, fixed: slot.fixed };
    const cached = refresh ? undefined : lookupTuneEntry(cache, key, slot.candidates.map((c) => c.id));
    if (cached) reports.push({ ...base, choice: cached.choice, source: 'cache', candidates: cached.candidates, timing: cached.timing });
    else {
      toMeasure.push({ slot, key, at: reports.length });
      reports.push({ ...base, choice: slot.fixed, source: 'fixed', candidates: [], timing: null });
    }
  }
  if (toMeasure.length === 0) return { slots: reports, updates };

  const timer = new GpuTimer(device, options.useTimestamps);
  try {
    let budgetLeft = options.budgetMs ?? DEFAULT_TUNE_BUDGET_MS;
    for (let i = 0; i < toMeasure.length; i++) {
      const { slot, key, at } = toMeasure[i];
      const started = performance.now();
      const slotBudget = Math.max(0, budgetLeft) / (toMeasure.length - i);
      try {
        const candidates = await measureSlot(device, timer, slot, slotBudget);
        const choice = fastest(candidates, slot.fixed)!; // the reference is always valid here
        reports[at] = { ...reports[at], choice, source: 'tuned', candidates, timing: timer.method };
        updates[key] = { choice, candidates, timing: timer.method, tunedAt: now().toISOString() };
      } catch (e) {
        reports[at] = { ...reports[at], note: `not tuned: ${e instanceof Error ? e.message : String(e)}` };
      }
      budgetLeft -= performance.now() - started;
    }
  } finally {
    timer.destroy();
  }
  return { slots: reports, updates };
}
