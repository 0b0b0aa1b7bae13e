// Autotuning at the start of a training run, wherever WebGPU comes from (the headless page,
// Node's Dawn, the page): resolves the mode for the adapter, enumerates the model's slots,
// tunes them against the cache the caller loaded, and reports what was chosen and measured.
import type { Gpu } from '../gpu/device.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { emptyTuneCache, type TuneCache } from './cache.ts';
import { tuneEnvironment } from './key.ts';
import { activeTuning, type AutotuneMode } from './mode.ts';
import { planSlots } from './plan-slots.ts';
import type { TuneSlot } from './slots.ts';
import type { TuneReport } from './report.ts';
import { tuneSlots } from './tuner.ts';

export interface AutotuneRequest {
  mode: AutotuneMode;
  /** The cache as loaded by the caller (the CLI's file, the page's IndexedDB); null: empty. */
  cache: TuneCache | null;
  /** Measuring time for the slots that miss the cache (default DEFAULT_TUNE_BUDGET_MS). */
  budgetMs?: number;
}

/** Tunes the slots the caller enumerated (planSlots for a model); destroys them afterwards. */
export async function autotuneSlots(gpu: Gpu, slots: readonly TuneSlot[], request: AutotuneRequest, runtime: string): Promise<TuneReport> {
  const active = activeTuning(request.mode, gpu.adapter.isFallback);
  const environment = tuneEnvironment(gpu.adapter, runtime);
  const report: TuneReport = { mode: request.mode, active, environment, timing: null, slots: [], updates: {} };
  try {
    if (active === 'off' || slots.length === 0) return report;
    const result = await tuneSlots(slots, {
      device: gpu.device,
      env: environment,
      useTimestamps: gpu.hasTimestamps,
      cache: request.cache ?? emptyTuneCache(),
      refresh: active === 'refresh',
      budgetMs: request.budgetMs,
    });
    const measured = result.slots.find((s) => s.source === 'tuned');
    return { ...report, timing: measured?.timing ?? null, slots: result.slots, updates: result.updates };
  } finally {
    for (const s of slots) s.destroy();
  }
}

/** Autotunes `model`'s slots at `batch` (none are enumerated while tuning is off). */
export async function autotuneModel(gpu: Gpu, model: ModelInfo, batch: number, request: AutotuneRequest, runtime: string): Promise<TuneReport> {
  const off = activeTuning(request.mode, gpu.adapter.isFallback) === 'off';
  return autotuneSlots(gpu, off ? [] : planSlots(gpu, model, batch), request, runtime);
}
