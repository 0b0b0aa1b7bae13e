// The per-kernel table: each dispatch of each layer timed alone, with GFLOP/s and GB/s from the
// registry entry's cost and its share of the table's summed time.
import type { Dispatch } from '../src/gpu/kernel.ts';
import type { GpuTimer, TimerOptions } from '../src/gpu/timing.ts';
import { ALL_KERNELS } from '../src/layers/kernels.ts';
import type { KernelRow } from './bench-protocol.ts';

/** Each registered kernel's (first) shader, for the per-kernel rows. */
const SHADER_OF = new Map(ALL_KERNELS.map((e) => [e.id, e.shaders[0]]));

export interface TimedLayer {
  name: string;
  forward: Dispatch[];
  backward: Dispatch[];
}

/** Consecutive dispatches of one registry entry (e.g. 'tile6x6' dx, one per tile class) form one row. */
function runsOf(dispatches: Dispatch[]): Dispatch[][] {
  const runs: Dispatch[][] = [];
  for (const d of dispatches) {
    const last = runs[runs.length - 1];
    if (last && d.kernel && last[0].kernel === d.kernel) last.push(d);
    else runs.push([d]);
  }
  return runs;
}

export async function timeLayers(list: TimedLayer[], timer: GpuTimer, budget: TimerOptions): Promise<KernelRow[]> {
  const out: KernelRow[] = [];
  for (const layer of list) {
    for (const [passName, dispatches] of [['forward', layer.forward], ['backward', layer.backward]] as const) {
      for (const run of runsOf(dispatches)) {
        const entry = run[0].kernel;
        const shader = entry ? (SHADER_OF.get(entry.id) ?? entry.id) : run[0].pipeline.label;
        const cost = entry?.cost;
        const t = await timer.time(run, budget);
        out.push({
          name: `${layer.name} ${passName} ${shader}${run.length > 1 ? ` (${run.length} dispatches)` : ''}`,
          layer: layer.name,
          shader,
          shape: cost?.shape ?? '',
          ms: t.ms,
          gflops: cost ? cost.flops / t.ms / 1e6 : 0,
          gbps: cost ? cost.bytes / t.ms / 1e6 : 0,
          reps: t.reps,
          share: 0,
        });
      }
    }
  }
  const total = out.reduce((a, r) => a + r.ms, 0);
  for (const r of out) r.share = r.ms / total;
  return out;
}
