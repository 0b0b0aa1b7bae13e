// The arithmetic floor of conv2d_1's forward (the 'tile5x5' kernel, about 80% of inference):
// the same shader with every load of its inner loop (49 input values and 18 kernel vec4s per
// input channel) replaced by a value computed from the load's own index, so that what is left
// is the index arithmetic, the 1,800 multiply-adds per input channel and the stores. It is not a
// kernel (its output is meaningless) and is never validated; timed beside the real kernel on the
// same buffers it shows how much of the kernel's time memory costs, and the least time any
// direct convolution with this work per invocation could take on the adapter.
import { createConv2d, CONV2D_FORWARD_KERNELS, type Conv2dConfig } from '../src/layers/conv2d.ts';
import { fixedChoice } from '../src/gpu/kernel-registry.ts';
import { createStorageBuffer } from '../src/gpu/buffers.ts';
import type { GpuContext } from '../src/layers/types.ts';
import { median, type GpuTimer, type TimerOptions } from '../src/gpu/timing.ts';

/** Loads of the inner loop of conv2d_forward_tile5x5.wgsl: the 7x7 window and 9 taps x 2 kernel vec4s. */
const WINDOW_LOADS = 49;
const KERNEL_LOADS = 18;

/**
 * conv2d_forward_tile5x5's template with its inner-loop loads replaced by their index
 * arithmetic. Throws when the shader no longer has exactly the loads this rewrite expects (a
 * changed shader must not be timed as something it is not).
 */
export function tile5x5ArithmeticOnly(template: string): string {
  let window = 0;
  let kernel = 0;
  const out = template
    .replace(/layout\.\$\.x\[(r\d \+ c\d \+ ci)\]/g, (_, index: string) => {
      window++;
      return `f32((${index}) & 7u)`;
    })
    .replace(/layout\.\$\.params\[(w \+ \du \* tap \+ g[01])\]/g, (_, index: string) => {
      kernel++;
      return `vec4f(f32((${index}) & 7u))`;
    });
  if (window !== WINDOW_LOADS || kernel !== KERNEL_LOADS || out.includes('layout.$.x[')) {
    throw new Error(
      `conv2d_forward_tile5x5 changed: found ${window} window and ${kernel} kernel loads to strip (expected ${WINDOW_LOADS} and ${KERNEL_LOADS})`,
    );
  }
  return out;
}

export interface ArithmeticFloor {
  kernel: string;
  batch: number;
  /** The real kernel, ms. */
  ms: number;
  /** The same kernel with its inner-loop loads stripped, ms. */
  arithmetic_ms: number;
}

/**
 * Times conv2d_1's promoted forward and its arithmetic-only twin on the same input, output and
 * parameters, alternately (three rounds, the median of each), so that drift hits both alike.
 * Returns undefined where the promoted kernel is not 'tile5x5'.
 */
export async function measureArithmeticFloor(
  ctx: GpuContext,
  config: Conv2dConfig,
  buffers: { input: GPUBuffer; params: GPUBuffer },
  timer: GpuTimer,
  budget: TimerOptions,
): Promise<ArithmeticFloor | undefined> {
  const cfg = { ...config, inferenceOnly: true };
  if (fixedChoice(CONV2D_FORWARD_KERNELS, 'forward', cfg).id !== 'conv2d.forward.tile5x5') return undefined;
  const output = createStorageBuffer(ctx.device, cfg.batch * (cfg.height - 2) * (cfg.width - 2) * cfg.outChannels * 4, `${cfg.name} floor output`);
  const real = createConv2d(ctx, cfg, { ...buffers, output });
  const stripped = createConv2d(ctx, { ...cfg, name: `${cfg.name} arithmetic only` }, { ...buffers, output }, { rewriteForwardSource: tile5x5ArithmeticOnly });
  const realMs: number[] = [];
  const strippedMs: number[] = [];
  for (let round = 0; round < 3; round++) {
    realMs.push((await timer.time(real.forward, budget)).ms);
    strippedMs.push((await timer.time(stripped.forward, budget)).ms);
  }
  real.destroy();
  stripped.destroy();
  output.destroy();
  return { kernel: 'conv2d_forward_tile5x5', batch: cfg.batch, ms: median(realMs), arithmetic_ms: median(strippedMs) };
}
