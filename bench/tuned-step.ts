// The bench's autotuning (`--autotune`): the seed's slots tuned as a training run tunes them
// (src/tune/plan-slots.ts: training at the bench's batch, evaluation at its inference batch;
// no cache: every slot measured), then the whole training step timed again with the tuned
// training kernels, on the same buffers and batch as the fixed rules' step.
import { DEFAULT_MODEL } from '../src/model/presets.ts';
import { Pass } from '../src/train/pass.ts';
import { autotuneSlots } from '../src/tune/autotune-run.ts';
import { activeTuning, type AutotuneMode } from '../src/tune/mode.ts';
import { planSlots } from '../src/tune/plan-slots.ts';
import { tunedChoices, tuningHistory, type TuningHistory } from '../src/tune/report.ts';
import type { BenchContext } from './bench-context.ts';
import type { BenchResult } from './bench-protocol.ts';

/** What the tuning key calls the bench's WebGPU implementation (nothing is cached). */
const BENCH_RUNTIME = 'bench';

export interface TunedStep {
  tuning: TuningHistory;
  /** The training step with the tuned kernels (`train` has the fixed rules'). */
  train: BenchResult['train'];
}

/** Tunes the seed and times its training step with the choices; undefined when the mode is off on this adapter. */
export async function tunedTrainingStep(
  c: BenchContext,
  mode: AutotuneMode,
  timeStep: (c: BenchContext, step: BenchContext['step']) => Promise<BenchResult['train']>,
): Promise<TunedStep | undefined> {
  if (activeTuning(mode, c.gpu.adapter.isFallback) === 'off') return undefined;
  const slots = planSlots(c.gpu, DEFAULT_MODEL, c.req.batch, { evaluationBatch: c.req.inferBatch });
  const report = await autotuneSlots(c.gpu, slots, { mode, cache: null }, BENCH_RUNTIME);
  const kernels = tunedChoices(report).training ?? {};
  const { ctx, trainData, training } = c;
  const B = c.req.batch;
  const pass = new Pass(ctx, DEFAULT_MODEL, { label: 'bench tuned', count: B, batch: B, training: true, kernels }, training.passBuffers(trainData));
  try {
    pass.setOrder(c.batchIndices);
    return { tuning: tuningHistory(report), train: await timeStep(c, training.step(pass, 0)) };
  } finally {
    pass.destroy();
  }
}
