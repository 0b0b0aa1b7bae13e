// Readers for the options of a Keras layer config (snake_case keys as Keras writes them), each
// checking one option and throwing a ModelSpecError that names the layer and the option.
// A missing option takes Keras's default.
import { ELEMENTWISE_ACTIVATIONS, type Activation, type ElementwiseActivation } from '../activations.ts';
import { layerError, type LayerLocation } from '../spec-error.ts';

export type RawConfig = Record<string, unknown>;

export class OptionReader {
  constructor(
    readonly at: LayerLocation,
    readonly config: RawConfig,
  ) {}

  fail(option: string, message: string): never {
    throw layerError(this.at, option, message);
  }

  /** An integer in [min, max] (default when absent). */
  int(key: string, min: number, max: number, fallback?: number): number {
    const v = this.config[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(key, `expected an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
    return v;
  }

  /** A number in [min, max) or [min, max] (default when absent). */
  number(key: string, min: number, max: number, fallback: number, maxInclusive = false): number {
    const v = this.config[key] ?? fallback;
    const ok = typeof v === 'number' && Number.isFinite(v) && v >= min && (maxInclusive ? v <= max : v < max);
    if (!ok) this.fail(key, `expected a number in [${min}, ${max}${maxInclusive ? ']' : ')'}, got ${JSON.stringify(v)}`);
    return v as number;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.config[key] ?? fallback;
    if (typeof v !== 'boolean') this.fail(key, `expected true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  /** A pair of integers in [min, max]: Keras accepts a single integer for both. */
  pair(key: string, min: number, max: number, fallback?: readonly [number, number]): [number, number] {
    const v = this.config[key] ?? fallback;
    const pair = typeof v === 'number' ? [v, v] : v;
    if (!Array.isArray(pair) || pair.length !== 2 || pair.some((x) => !Number.isInteger(x) || x < min || x > max)) {
      this.fail(key, `expected an integer or two integers in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
    return [pair[0], pair[1]];
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const v = this.config[key] ?? fallback;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v.toLowerCase())) {
      this.fail(key, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    }
    return v.toLowerCase() as T;
  }

  /** An activation: the elementwise ones, and softmax where `softmax` is allowed. */
  activation(key: string, softmax: boolean): Activation {
    const allowed: readonly Activation[] = softmax ? [...ELEMENTWISE_ACTIVATIONS, 'softmax'] : ELEMENTWISE_ACTIVATIONS;
    const v = this.config[key] ?? 'linear';
    // Keras writes null or 'linear' for no activation.
    return this.oneOf(key, allowed, (v ?? 'linear') as Activation);
  }

  elementwise(key: string): ElementwiseActivation {
    return this.activation(key, false) as ElementwiseActivation;
  }

  /** An option this project does not implement must be absent or take its neutral value. */
  neutral(key: string, isNeutral: (v: unknown) => boolean, what: string): void {
    const v = this.config[key];
    if (v !== undefined && !isNeutral(v)) this.fail(key, `${JSON.stringify(v)} is not supported (${what})`);
  }

  /** Keras's channels_last is the only data format (NHWC). */
  channelsLast(): void {
    this.neutral('data_format', (v) => v === null || v === 'channels_last', 'only channels_last');
  }

  /** Regularizers, constraints and the like change training: only null is supported. */
  nulls(...keys: string[]): void {
    for (const k of keys) this.neutral(k, (v) => v === null, 'only null');
  }

  /**
   * An initializer: any serialized one is accepted (it matters only for fresh weights, and a
   * config usually comes with trained ones). Fresh weights always use Keras's defaults
   * (glorot_uniform kernels, zero biases, BatchNormalization's ones and zeros); a malformed
   * value is an error.
   */
  initializer(key: string): void {
    this.neutral(key, (v) => v === null || initializerName(v) !== undefined, 'an initializer name or object');
  }
}

/** The canonical name of a serialized initializer: GlorotUniform, Zeros, Ones. */
export function initializerName(v: unknown): string | undefined {
  if (typeof v === 'string') return { glorot_uniform: 'GlorotUniform', zeros: 'Zeros', ones: 'Ones' }[v] ?? v;
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as { class_name?: unknown; config?: Record<string, unknown> };
  if (o.class_name === 'VarianceScaling') {
    const c = o.config ?? {};
    const glorot = (c.scale ?? 1) === 1 && c.mode === 'fan_avg' && c.distribution === 'uniform';
    return glorot ? 'GlorotUniform' : 'VarianceScaling';
  }
  return typeof o.class_name === 'string' ? o.class_name : undefined;
}
