// The random augmentation layers' per-sample draws in TypeScript, bit-for-bit the WGSL ones of
// shaders/random_augment_forward.wgsl (built on the dropout mask's hash, src/layers/dropout-rng.ts),
// so that tests and the CPU reference can regenerate exactly the parameters the GPU drew:
//   key        dropoutKey(seed, step, layerId)   seed: the layer's own (its low 32 bits) or the run's
//   u(b, slot) (hash(key, 4b + slot) >> 8) / 2^24, in [0, 1) and exact in float32
// A layer uses slots 0 and 1 at most (RandomFlip, RandomRotation: 0; RandomTranslation,
// RandomZoom: 0 for the height, 1 for the width).
import { dropoutHash, dropoutKey } from './dropout-rng.ts';

/** Draw slots reserved per sample. */
export const AUGMENTATION_SLOTS = 4;

/** Offset of the layers' stream ids, clear of the Dropout layers' (1, 2, ...). */
const STREAM_BASE = 0x41554700;

/** The stream id of the augmentation layer at model index `index` (each layer draws its own numbers). */
export function augmentationLayerId(index: number): number {
  if (!Number.isInteger(index) || index < 0 || index > 0xff) throw new RangeError(`augmentation layer index ${index} is outside 0..255`);
  return STREAM_BASE + index;
}

/** A layer's `seed` option (any safe integer, negative too) as the u32 its draws use: its low 32 bits. */
export function seedBits(layerSeed: number): number {
  return Number(BigInt.asUintN(32, BigInt(layerSeed)));
}

/** The seed of a layer's draws: its own `seed` option where given, else the run's. */
export function augmentationSeed(runSeed: number, layerSeed: number | null): number {
  return layerSeed === null ? runSeed >>> 0 : seedBits(layerSeed);
}

/** The draws of one layer at one step: u(sample, slot). */
export function augmentationDraws(seed: number, step: number, layerId: number): (sample: number, slot: number) => number {
  const key = dropoutKey(seed >>> 0, step >>> 0, layerId >>> 0);
  return (sample, slot) => {
    if (!(slot >= 0 && slot < AUGMENTATION_SLOTS)) throw new RangeError(`draw slot ${slot} is outside 0..${AUGMENTATION_SLOTS - 1}`);
    return (dropoutHash(key, (sample * AUGMENTATION_SLOTS + slot) >>> 0) >>> 8) / 2 ** 24;
  };
}
