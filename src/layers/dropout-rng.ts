// The dropout mask's counter-based hash in TypeScript, bit-for-bit identical to the WGSL one
// (dropoutFmix / dropoutKey / dropoutKeep in src/gpu/wgsl-lib.ts, where the hash is documented),
// so that tests and the CPU reference can regenerate exactly the mask the GPU used.
import type { LayerInfo } from '../model/model-info.ts';

/** murmur3's 32-bit finalizer. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The per-(seed, step, layer) key. */
export function dropoutKey(seed: number, step: number, layerId: number): number {
  return fmix32(fmix32(fmix32((seed ^ 0x9e3779b9) >>> 0) ^ step) ^ layerId);
}

/** hash(e) as a u32. */
export function dropoutHash(key: number, element: number): number {
  return fmix32((fmix32((key ^ element) >>> 0) + key) >>> 0);
}

/** Smallest u32 h with h / 2^32 >= rate (clamped to 2^32 - 1); keep iff hash >= threshold. */
export function dropoutThreshold(rate: number): number {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${rate}`);
  return Math.min(Math.ceil(rate * 2 ** 32), 2 ** 32 - 1);
}

/** The mask id of a Dropout layer: 1 for the model's first Dropout layer, 2 for the next, ... */
export function dropoutLayerId(layers: readonly LayerInfo[], layer: LayerInfo): number {
  const id = layers.filter((l) => l.spec.type === 'Dropout').indexOf(layer) + 1;
  if (id === 0) throw new Error(`layer ${layer.index} "${layer.spec.name}" is not one of the model's Dropout layers`);
  return id;
}

/** The keep mask (1 = kept) of `count` consecutive elements 0..count-1 of one dropout call. */
export function dropoutMask(seed: number, step: number, layerId: number, count: number, rate: number): Uint8Array {
  const threshold = dropoutThreshold(rate);
  const key = dropoutKey(seed >>> 0, step >>> 0, layerId >>> 0);
  const mask = new Uint8Array(count);
  for (let e = 0; e < count; e++) mask[e] = dropoutHash(key, e) >= threshold ? 1 : 0;
  return mask;
}
