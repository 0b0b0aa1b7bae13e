// Random valid Keras Sequential configs for property tests, drawn from the supported layers
// and options (src/model/layers/): conv blocks (any kernel 1-5, stride 1-2, valid/same, with or
// without bias, any activation; sometimes the seed's 3x3 ReLU + 2x2 pool whose fused kernels
// then run), BatchNormalization + Activation, max/average pooling, Dropout, Flatten or global
// average pooling, Dense layers, a final softmax (on Dense, or as an Activation layer), and
// Rescaling at the input or between blocks, and random augmentation layers at the input (before
// every layer with weights, where the model side allows them). Each layer type's options are drawn by its entry
// in RANDOM_OPTIONS (a record checked against the model's layer types: a new type without one
// is a compile error); draw() places the layers.
// Inputs are small (H, W 5-14, C 1-4, H*W*C a multiple of 4 as the gather needs) so that a
// training step stays cheap on SwiftShader.
import { Rng } from '../../src/model/rng.ts';
import { parseModelConfig, type ModelSpec } from '../../src/model/model-spec.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import type { LayerTypeName } from '../../src/model/layers/index.ts';

type Cfg = Record<string, unknown>;
const ACTS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.nextInt(xs.length)];
}

/** Where a layer is drawn: the seed's conv block, a general conv block, the dense head, or the output. */
type Place = 'seed' | 'block' | 'head' | 'output';

/** What a drawer is told of its place (a conv before BatchNormalization drops its bias and activation). */
interface DrawContext {
  place: Place;
  beforeBatchNorm?: boolean;
}

function poolOptions(rng: Rng, { place }: DrawContext): Cfg {
  if (place === 'seed') return { pool_size: [2, 2] };
  const p = 2 + rng.nextInt(2);
  return { pool_size: [p, p], strides: [1 + rng.nextInt(p), 1 + rng.nextInt(p)], padding: pick(rng, ['valid', 'same']) };
}

/** Each layer type's random options. */
const RANDOM_OPTIONS: { readonly [K in LayerTypeName]: (rng: Rng, ctx: DrawContext) => Cfg } = {
  Conv2D(rng, { place, beforeBatchNorm = false }) {
    // The seed's configuration: its fast kernels and the conv-pool-dropout fusion.
    if (place === 'seed') return { filters: 4 * (1 + rng.nextInt(3)), kernel_size: [3, 3], activation: 'relu' };
    return {
      filters: 2 + rng.nextInt(9),
      kernel_size: [1 + rng.nextInt(5), 1 + rng.nextInt(5)],
      strides: [1 + rng.nextInt(2), 1 + rng.nextInt(2)],
      padding: pick(rng, ['valid', 'same']),
      // Before BatchNormalization a bias has a zero gradient; Adam would turn its float32 noise
      // into full-size steps of either sign, which no reference can match (Keras users drop it too).
      use_bias: !beforeBatchNorm && rng.nextFloat() < 0.7,
      activation: beforeBatchNorm ? 'linear' : pick(rng, ACTS),
    };
  },
  MaxPooling2D: poolOptions,
  AveragePooling2D: poolOptions,
  GlobalAveragePooling2D: () => ({}),
  Flatten: () => ({}),
  Dropout: (rng, { place }) => ({ rate: pick(rng, place === 'seed' ? [0.1, 0.25, 0.5] : place === 'block' ? [0.2, 0.4] : [0.25, 0.5]) }),
  Activation: (rng, { place }) => ({ activation: place === 'output' ? 'softmax' : pick(rng, ['relu', 'tanh', 'sigmoid']) }),
  BatchNormalization: (rng) => ({ momentum: pick(rng, [0.9, 0.99]), epsilon: pick(rng, [1e-3, 1e-5]), center: rng.nextFloat() < 0.8, scale: rng.nextFloat() < 0.8 }),
  Dense(rng, { place }) {
    if (place === 'head') return { units: 3 + rng.nextInt(18), activation: pick(rng, ACTS), use_bias: rng.nextFloat() < 0.8 };
    return { units: 10, activation: 'softmax', use_bias: rng.nextFloat() < 0.9 };
  },
  // Pixels to [0, 1] or [-1, 1], or an arbitrary affine map (negative scales included). With
  // BatchNormalization in the model the offset is 0: an offset turns the images' many zero
  // pixels into a constant input whose response BatchNormalization removes, leaving a direction
  // of zero gradient in the conv kernel that Adam fills with float32 noise (as a bias before it).
  Rescaling(rng, { beforeBatchNorm = false }) {
    const o = pick(rng, [{ scale: 1 / 255, offset: 0 }, { scale: 1 / 127.5, offset: -1 }, { scale: pick(rng, [-1.5, 0.5, 2]), offset: pick(rng, [0, 0.25]) }]);
    return beforeBatchNorm ? { ...o, offset: 0 } : o;
  },
  // Bilinear interpolation only: nearest interpolation jumps at every half pixel, where the
  // GPU's float32 map and the float64 reference could fall on different sides (the layers'
  // own GPU test checks nearest interpolation with that allowance).
  RandomFlip: (rng) => ({ mode: pick(rng, ['horizontal_and_vertical', 'horizontal', 'vertical']), ...augmentationSeed(rng) }),
  RandomTranslation: (rng) => ({ height_factor: pick(rng, [0.1, 0.3, [-0.2, 0.4]]), width_factor: pick(rng, [0.2, [0, 0.5], [-1, 1]]), ...sampling(rng) }),
  RandomRotation: (rng) => ({ factor: pick(rng, [0.05, 0.5, [-0.25, 0.1]]), ...sampling(rng) }),
  RandomZoom: (rng) => ({ height_factor: pick(rng, [0.2, [-0.3, -0.1], [0.1, 0.5]]), width_factor: pick(rng, [null, 0.3]), ...sampling(rng) }),
};

function augmentationSeed(rng: Rng): Cfg {
  return rng.nextFloat() < 0.3 ? { seed: rng.nextInt(1000) } : {};
}

function sampling(rng: Rng): Cfg {
  return { fill_mode: pick(rng, ['reflect', 'wrap', 'constant', 'nearest']), fill_value: pick(rng, [0, 0.5]), ...augmentationSeed(rng) };
}

const AUGMENTATIONS = ['RandomFlip', 'RandomTranslation', 'RandomRotation', 'RandomZoom'] as const;

function layer(rng: Rng, type: LayerTypeName, ctx: DrawContext): object {
  return { class_name: type, config: RANDOM_OPTIONS[type](rng, ctx) };
}

function convBlock(rng: Rng): object[] {
  const out: object[] = [];
  if (rng.nextFloat() < 0.3) {
    const seed = { place: 'seed' } as const;
    out.push(layer(rng, 'Conv2D', seed), layer(rng, 'MaxPooling2D', seed));
    if (rng.nextFloat() < 0.6) out.push(layer(rng, 'Dropout', seed));
    return out;
  }
  const block = { place: 'block' } as const;
  const bn = rng.nextFloat() < 0.35;
  out.push(layer(rng, 'Conv2D', { ...block, beforeBatchNorm: bn }));
  if (bn) out.push(layer(rng, 'BatchNormalization', block), layer(rng, 'Activation', block));
  if (rng.nextFloat() < 0.5) out.push(layer(rng, pick(rng, ['MaxPooling2D', 'AveragePooling2D'] as const), block));
  if (rng.nextFloat() < 0.3) out.push(layer(rng, 'Dropout', block));
  return out;
}

function draw(rng: Rng): object {
  const h = 5 + rng.nextInt(10);
  let w = 5 + rng.nextInt(10);
  const c = 1 + rng.nextInt(4);
  while ((h * w * c) % 4 !== 0) w++;
  const body: object[] = [];
  for (let k = 1 + rng.nextInt(2); k > 0; k--) body.push(...convBlock(rng));
  body.push(layer(rng, rng.nextFloat() < 0.6 ? 'Flatten' : 'GlobalAveragePooling2D', { place: 'head' }));
  if (rng.nextFloat() < 0.6) {
    body.push(layer(rng, 'Dense', { place: 'head' }));
    if (rng.nextFloat() < 0.5) body.push(layer(rng, 'Dropout', { place: 'head' }));
  }
  if (rng.nextFloat() < 0.25) body.push({ class_name: 'Dense', config: { units: 10 } }, layer(rng, 'Activation', { place: 'output' }));
  else body.push(layer(rng, 'Dense', { place: 'output' }));
  // Rescaling first (its backward unused) or after a layer of the conv blocks (its backward run).
  if (rng.nextFloat() < 0.3) body.splice(rng.nextInt(2) === 0 ? 0 : 1 + rng.nextInt(Math.max(1, body.length - 3)), 0, layer(rng, 'Rescaling', { place: 'block', beforeBatchNorm: body.some((l) => (l as { class_name: string }).class_name === 'BatchNormalization') }));
  // Augmentation first (its own stream of draws, so that the rest of the draws stay as they were).
  const aug = new Rng(rng.getState() ^ 0x5bd1e995);
  if (aug.nextFloat() < 0.4) {
    const weightless = (l: object) => ['Rescaling', ...AUGMENTATIONS].includes((l as { class_name: string }).class_name);
    for (let k = 1 + aug.nextInt(2); k > 0; k--) body.splice(weightless(body[0]) ? aug.nextInt(2) : 0, 0, layer(aug, pick(aug, AUGMENTATIONS), { place: 'block' }));
  }
  const input = { class_name: 'InputLayer', config: { batch_shape: [null, h, w, c] } };
  return { class_name: 'Sequential', config: { name: 'sequential', layers: [input, ...body] } };
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
