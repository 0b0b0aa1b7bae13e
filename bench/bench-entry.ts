// The benchmark itself, wherever WebGPU comes from (the CLI's page: bench-page.ts; the
// user-facing page: /bench.html; Node: the `webgpu` package): validates one real training
// step layer by layer against the float64 reference, then times every kernel alone, the
// kernel variants side by side, the whole training step and inference. Each section is one
// function of bench/bench-sections.ts on one shared context.
import { acquireGpu, describeAdapter } from '../src/gpu/device.ts';
import type { Mnist } from '../src/data/mnist.ts';
import { createBenchContext } from './bench-context.ts';
import { createInference, measureFloor, timeInference, timeTrainingKernels, timeTrainingStep, timeVariants, validateOneStep } from './bench-sections.ts';
import { tunedTrainingStep } from './tuned-step.ts';
import { BENCH_SECTIONS, type BenchRequest, type BenchResult, type BenchSection } from './bench-protocol.ts';

export interface BenchSource {
  gpu: GPU | undefined;
  loadData(): Promise<Mnist>;
  /** Told as each section starts (the page's progress). */
  onSection?(section: BenchSection, index: number, count: number): void;
}

export async function runBench(req: BenchRequest, source: BenchSource): Promise<BenchResult> {
  const at = <T>(section: BenchSection, work: () => Promise<T>): Promise<T> => {
    source.onSection?.(section, BENCH_SECTIONS.indexOf(section), BENCH_SECTIONS.length);
    return work();
  };
  const gpu = await acquireGpu(source.gpu);
  try {
    const data = await at('data', () => source.loadData());
    const c = createBenchContext(gpu, data, req);
    const validation = await at('validation', () => validateOneStep(c));
    const kernels = await at('kernels', () => timeTrainingKernels(c));
    const variants = await at('variants', () => timeVariants(c));
    const train = await at('train', () => timeTrainingStep(c));
    const autotune = await at('train', () => tunedTrainingStep(c, req.autotune ?? 'off', timeTrainingStep));
    const inference = createInference(c);
    const { infer, inferKernels } = await at('inference', () => timeInference(c, inference));
    const floor = await at('floor', () => measureFloor(c, inference));
    return {
      adapter: { ...gpu.adapter, label: describeAdapter(gpu.adapter) },
      timing: c.timer.method,
      validation,
      kernels,
      inferKernels,
      ...(floor ? { floor } : {}),
      variants,
      train,
      ...(autotune ? { autotune } : {}),
      infer,
    };
  } finally {
    gpu.device.destroy();
  }
}
