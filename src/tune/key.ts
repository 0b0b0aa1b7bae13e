// The autotuning cache key: the device (adapter vendor, architecture, device, description),
// the WebGPU implementation (browser or Dawn version), the layer configuration the kernel sees,
// the batch size and the pass. A timing holds for exactly this combination and no other.
import type { AdapterSummary } from '../gpu/device.ts';

/** Where the kernels run: the adapter and the WebGPU implementation. */
export interface TuneEnvironment {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** "Chrome/131.0.6778.85" from the browser's user agent, or "Dawn (webgpu 0.6.2)" in Node. */
  runtime: string;
}

export interface TuneKeyParts {
  /** Layer type, e.g. "Conv2D". */
  type: string;
  pass: string;
  config: unknown;
  batch: number;
}

export function tuneEnvironment(adapter: AdapterSummary, runtime: string): TuneEnvironment {
  const { vendor, architecture, device, description } = adapter;
  return { vendor, architecture, device, description, runtime };
}

/** The browser and its version from a user agent ("Chrome/131.0.6778.85"), else the whole string. */
export function browserRuntime(userAgent: string): string {
  const chrome = /\b(?:HeadlessChrome|Chrome|Chromium)\/([\d.]+)/.exec(userAgent);
  if (chrome) return `Chrome/${chrome[1]}`;
  const other = /\b(Firefox|Version)\/([\d.]+)/.exec(userAgent);
  if (other) return `${other[1] === 'Version' ? 'Safari' : other[1]}/${other[2]}`;
  return userAgent;
}

/**
 * JSON with object keys sorted at every depth, so that equal values give equal text whatever
 * order their keys were written in. Refuses what JSON cannot carry faithfully.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`canonicalJson: a ${typeof value} has no JSON form`);
}

/** The cache key of one slot in one environment: a canonical JSON string. */
export function tuneKey(env: TuneEnvironment, slot: TuneKeyParts): string {
  if (!Number.isInteger(slot.batch) || slot.batch < 1) throw new Error(`tuneKey: bad batch size ${slot.batch}`);
  return canonicalJson({ ...env, type: slot.type, pass: slot.pass, config: slot.config, batch: slot.batch });
}
