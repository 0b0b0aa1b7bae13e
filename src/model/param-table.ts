/**
 * The parameter table: every weight tensor of a model lives in one flat f32 buffer (llm.c's
 * pattern), at an offset given here. Parameters, gradients and both optimizer moments share
 * this layout. The order is Keras's `model.weights`: layer by layer, each layer's weights in
 * its own order (kernel, bias; gamma, beta, moving_mean, moving_variance).
 *
 * Layouts (Keras): conv kernel HWIO `[kh, kw, in, out]`, dense kernel `[in, out]`, row-major.
 *
 * Alignment: each tensor's offset is rounded up to a multiple of PARAM_ALIGN (4 floats = 16
 * bytes) so that GPU kernels may use vec4 loads. The padding elements are not parameters:
 * they stay zero in the parameter buffer (and their gradients zero, so the optimizer keeps
 * them zero). Non-trainable tensors (BatchNormalization's moving statistics, and every weight
 * of a layer with trainable false) sit in the same buffer; the optimizer leaves them alone
 * (`frozenRanges`), and the layer that owns moving statistics updates them.
 */
import type { Initializer } from './layers/types.ts';

export interface ParamSpec {
  /** `layer/weight` as Keras names the weights: `conv2d/kernel`, `dense_1/bias`. */
  readonly name: string;
  readonly layer: string;
  readonly weight: string;
  readonly shape: readonly number[];
  /** Offset (in floats) into the flat buffer; a multiple of PARAM_ALIGN. */
  readonly offset: number;
  /** Number of elements (product of shape). */
  readonly size: number;
  readonly trainable: boolean;
  readonly init: Initializer;
}

/** Offset alignment in floats (16 bytes). */
export const PARAM_ALIGN = 4;

export interface WeightEntry {
  layer: string;
  weight: string;
  shape: readonly number[];
  trainable: boolean;
  init: Initializer;
}

export class ParamTable {
  /** Every tensor, in Keras's `model.weights` order. */
  readonly entries: readonly ParamSpec[];
  /** Length in floats of the flat (padded) buffer: a multiple of PARAM_ALIGN. */
  readonly length: number;
  /** Number of real parameters (trainable and not). */
  readonly count: number;
  readonly trainableCount: number;
  private readonly byName: ReadonlyMap<string, ParamSpec>;

  constructor(weights: readonly WeightEntry[]) {
    const entries: ParamSpec[] = [];
    let offset = 0;
    for (const w of weights) {
      offset = Math.ceil(offset / PARAM_ALIGN) * PARAM_ALIGN;
      const size = w.shape.reduce((a, b) => a * b, 1);
      const name = `${w.layer}/${w.weight}`;
      entries.push(Object.freeze({ ...w, name, shape: Object.freeze([...w.shape]), offset, size }));
      offset += size;
    }
    this.entries = Object.freeze(entries);
    this.length = Math.max(PARAM_ALIGN, Math.ceil(offset / PARAM_ALIGN) * PARAM_ALIGN);
    this.count = entries.reduce((a, p) => a + p.size, 0);
    this.trainableCount = entries.reduce((a, p) => a + (p.trainable ? p.size : 0), 0);
    this.byName = new Map(entries.map((p) => [p.name, p]));
  }

  /** Where the non-trainable tensors lie in the flat buffer: what the optimizer must not change. */
  frozenRanges(): { offset: number; size: number }[] {
    return this.entries.filter((p) => !p.trainable).map((p) => ({ offset: p.offset, size: p.size }));
  }

  /** Looks up a tensor by name; throws on an unknown name. */
  get(name: string): ParamSpec {
    const p = this.byName.get(name);
    if (!p) throw new Error(`unknown parameter tensor "${name}"`);
    return p;
  }

  /** Whether flat buffers of this table and `other` hold the same weights at the same places (same weights, shapes and order). */
  sameLayout(other: ParamTable): boolean {
    const a = this.entries;
    const b = other.entries;
    return a.length === b.length && a.every((p, i) => p.weight === b[i].weight && p.shape.join() === b[i].shape.join());
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** A view (no copy) of one tensor inside a flat buffer of this layout. */
  view<T extends Float32Array | Float64Array>(flat: T, name: string): T {
    const p = this.get(name);
    if (flat.length < this.length) throw new Error(`paramView: buffer has ${flat.length} elements, need ${this.length}`);
    return flat.subarray(p.offset, p.offset + p.size) as T;
  }
}
