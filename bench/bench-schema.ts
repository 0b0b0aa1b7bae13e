// The one check of the benchmark's JSON (`npm run bench -- --json FILE` and bench.html's
// download): every key of BenchJson with its type; returns the problems found, none when it fits.
import type { BenchJson } from './bench-protocol.ts';

type Kind = 'number' | 'string' | 'boolean';
type Shape = Kind | { [key: string]: Shape } | [Shape];

const KERNEL_ROW: Shape = { name: 'string', layer: 'string', shader: 'string', shape: 'string', ms: 'number', gflops: 'number', gbps: 'number', reps: 'number', share: 'number' };

const TRAIN: Shape = { ms_per_step: 'number', samples_per_s: 'number', epoch_seconds: 'number', batch: 'number', steps_per_submit: 'number' };

/** Every required key of BenchJson (`floor`, `autotune` and `rounds` are optional; the first two are checked where present). */
const REQUIRED: Record<keyof Omit<BenchJson, 'floor' | 'autotune' | 'rounds'>, Shape> = {
  date: 'string',
  runtime: 'string',
  adapter: { vendor: 'string', architecture: 'string', device: 'string', description: 'string', isFallback: 'boolean', features: ['string'], label: 'string' },
  timing: 'string',
  validation: [{ name: 'string', error: 'number', tolerance: 'number', ok: 'boolean' }],
  kernels: [KERNEL_ROW],
  inferKernels: [KERNEL_ROW],
  variants: [{ name: 'string', ms: 'number', gflops: 'number', error: 'number', promoted: 'boolean' }],
  train: TRAIN,
  infer: { images_per_s: 'number', ms_per_1000: 'number', ms_with_readback: 'number', readback_ms: 'number', batch: 'number' },
};
const FLOOR: Shape = { kernel: 'string', batch: 'number', ms: 'number', arithmetic_ms: 'number' };
const SLOT: Shape = { layer: 'string', type: 'string', pass: 'string', plan: 'string', batch: 'number', choice: 'string', fixed: 'string', source: 'string' };
const AUTOTUNE: Shape = { tuning: { mode: 'string', active: 'string', slots: [SLOT] }, train: TRAIN };

function check(value: unknown, shape: Shape, path: string, problems: string[]): void {
  if (typeof shape === 'string') {
    if (typeof value !== shape) problems.push(`${path}: expected ${shape}, got ${value === null ? 'null' : typeof value}`);
  } else if (Array.isArray(shape)) {
    if (!Array.isArray(value)) problems.push(`${path}: expected an array`);
    else value.forEach((v, i) => check(v, shape[0], `${path}[${i}]`, problems));
  } else if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected an object`);
  } else {
    for (const [key, s] of Object.entries(shape)) {
      if (!(key in value)) problems.push(`${path}.${key}: missing`);
      else check((value as Record<string, unknown>)[key], s, `${path}.${key}`, problems);
    }
  }
}

export function benchJsonProblems(json: unknown): string[] {
  const problems: string[] = [];
  check(json, REQUIRED, '$', problems);
  if (typeof json === 'object' && json !== null && 'floor' in json) check(json.floor, FLOOR, '$.floor', problems);
  if (typeof json === 'object' && json !== null && 'autotune' in json) check(json.autotune, AUTOTUNE, '$.autotune', problems);
  return problems;
}
