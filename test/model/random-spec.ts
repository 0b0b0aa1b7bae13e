// Random valid Keras Sequential configs for property tests, drawn from the supported layers
// and options (src/model/layers/): conv blocks (any kernel 1-5, stride 1-2, valid/same, with or
// without bias, any activation; sometimes the seed's 3x3 ReLU + 2x2 pool whose fused kernels
// then run), BatchNormalization + Activation, max/average pooling, Dropout, Flatten or global
// average pooling, Dense layers, and a final softmax (on Dense, or as an Activation layer).
// Inputs are small (H, W 5-14, C 1-4, H*W*C a multiple of 4 as the gather needs) so that a
// training step stays cheap on SwiftShader.
import type { Rng } from '../../src/model/rng.ts';
import { parseModelConfig, type ModelSpec } from '../../src/model/model-spec.ts';
import { modelInfo } from '../../src/model/model-info.ts';

type Cfg = Record<string, unknown>;
const L = (class_name: string, config: Cfg = {}) => ({ class_name, config });
const ACTS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.nextInt(xs.length)];
}

function convBlock(rng: Rng): object[] {
  const out: object[] = [];
  if (rng.nextFloat() < 0.3) {
    // The seed's configuration: its fast kernels and the conv-pool-dropout fusion.
    out.push(L('Conv2D', { filters: 4 * (1 + rng.nextInt(3)), kernel_size: [3, 3], activation: 'relu' }));
    out.push(L('MaxPooling2D', { pool_size: [2, 2] }));
    if (rng.nextFloat() < 0.6) out.push(L('Dropout', { rate: pick(rng, [0.1, 0.25, 0.5]) }));
    return out;
  }
  const bn = rng.nextFloat() < 0.35;
  out.push(
    L('Conv2D', {
      filters: 2 + rng.nextInt(9),
      kernel_size: [1 + rng.nextInt(5), 1 + rng.nextInt(5)],
      strides: [1 + rng.nextInt(2), 1 + rng.nextInt(2)],
      padding: pick(rng, ['valid', 'same']),
      // Before BatchNormalization a bias has a zero gradient; Adam would turn its float32 noise
      // into full-size steps of either sign, which no reference can match (Keras users drop it too).
      use_bias: !bn && rng.nextFloat() < 0.7,
      activation: bn ? 'linear' : pick(rng, ACTS),
    }),
  );
  if (bn) {
    out.push(L('BatchNormalization', { momentum: pick(rng, [0.9, 0.99]), epsilon: pick(rng, [1e-3, 1e-5]), center: rng.nextFloat() < 0.8, scale: rng.nextFloat() < 0.8 }));
    out.push(L('Activation', { activation: pick(rng, ['relu', 'tanh', 'sigmoid']) }));
  }
  if (rng.nextFloat() < 0.5) {
    const p = 2 + rng.nextInt(2);
    out.push(L(pick(rng, ['MaxPooling2D', 'AveragePooling2D']), { pool_size: [p, p], strides: [1 + rng.nextInt(p), 1 + rng.nextInt(p)], padding: pick(rng, ['valid', 'same']) }));
  }
  if (rng.nextFloat() < 0.3) out.push(L('Dropout', { rate: pick(rng, [0.2, 0.4]) }));
  return out;
}

function draw(rng: Rng): object {
  const h = 5 + rng.nextInt(10);
  let w = 5 + rng.nextInt(10);
  const c = 1 + rng.nextInt(4);
  while ((h * w * c) % 4 !== 0) w++;
  const layers: object[] = [L('InputLayer', { batch_shape: [null, h, w, c] })];
  for (let k = 1 + rng.nextInt(2); k > 0; k--) layers.push(...convBlock(rng));
  layers.push(rng.nextFloat() < 0.6 ? L('Flatten') : L('GlobalAveragePooling2D'));
  if (rng.nextFloat() < 0.6) {
    layers.push(L('Dense', { units: 3 + rng.nextInt(18), activation: pick(rng, ACTS), use_bias: rng.nextFloat() < 0.8 }));
    if (rng.nextFloat() < 0.5) layers.push(L('Dropout', { rate: pick(rng, [0.25, 0.5]) }));
  }
  if (rng.nextFloat() < 0.25) layers.push(L('Dense', { units: 10 }), L('Activation', { activation: 'softmax' }));
  else layers.push(L('Dense', { units: 10, activation: 'softmax', use_bias: rng.nextFloat() < 0.9 }));
  return { class_name: 'Sequential', config: { name: 'sequential', layers } };
}

/** A random valid spec (redrawn until its shapes do not collapse). */
export function randomSpec(rng: Rng): ModelSpec {
  for (;;) {
    try {
      const spec = parseModelConfig(draw(rng));
      modelInfo(spec);
      return spec;
    } catch {
      // a window that does not fit: draw again
    }
  }
}
