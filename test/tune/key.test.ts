import { describe, expect, it } from 'vitest';
import { browserRuntime, canonicalJson, tuneEnvironment, tuneKey, type TuneEnvironment } from '../../src/tune/key.ts';
import { activeTuning, parseAutotuneMode } from '../../src/tune/mode.ts';
import { dawnRuntime } from '../../src/gpu/node-gpu.ts';

const env: TuneEnvironment = { vendor: 'nvidia', architecture: 'hopper', device: '0x2335', description: 'NVIDIA H200', runtime: 'Chrome/131.0.6778.85' };
const slot = { type: 'Conv2D', pass: 'forward', config: { filters: 32, kernel: [3, 3], input: [28, 28, 1] }, batch: 128 };

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,1]},"b":1}');
    expect(canonicalJson({ a: { c: 'x', d: [3, 1] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' } }));
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('drops undefined properties and refuses what JSON cannot carry', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(() => canonicalJson({ a: NaN })).toThrow(/NaN has no JSON form/);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(/function has no JSON form/);
  });
});

describe('tuneKey', () => {
  const key = tuneKey(env, slot);

  it('is the same for the same slot whatever the order of its config', () => {
    expect(tuneKey({ ...env }, { ...slot, config: { input: [28, 28, 1], kernel: [3, 3], filters: 32 } })).toBe(key);
  });

  it.each([
    ['batch', { ...slot, batch: 64 }, env],
    ['pass', { ...slot, pass: 'backward_input' }, env],
    ['layer config', { ...slot, config: { ...slot.config, filters: 64 } }, env],
    ['layer type', { ...slot, type: 'Dense' }, env],
    ['adapter description', slot, { ...env, description: 'NVIDIA H100' }],
    ['adapter vendor', slot, { ...env, vendor: 'amd' }],
    ['adapter architecture', slot, { ...env, architecture: 'ada' }],
    ['adapter device', slot, { ...env, device: '0x2330' }],
    ['browser version', slot, { ...env, runtime: 'Chrome/132.0.6834.57' }],
  ] as const)('changes with the %s', (_what, s, e) => {
    expect(tuneKey(e, s)).not.toBe(key);
  });

  it('refuses a bad batch size', () => {
    expect(() => tuneKey(env, { ...slot, batch: 0 })).toThrow(/bad batch size 0/);
  });

  it('takes the adapter fields from an AdapterSummary', () => {
    const adapter = { vendor: 'v', architecture: 'a', device: 'd', description: 'x', isFallback: false, features: ['timestamp-query'] };
    expect(tuneEnvironment(adapter, 'Dawn (webgpu 0.6.2)')).toEqual({ vendor: 'v', architecture: 'a', device: 'd', description: 'x', runtime: 'Dawn (webgpu 0.6.2)' });
  });
});

describe('browserRuntime', () => {
  it("names Chrome's version from a user agent, headless or not", () => {
    expect(browserRuntime('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.8078.114 Safari/537.36')).toBe('Chrome/156.0.8078.114');
    expect(browserRuntime('Mozilla/5.0 (Macintosh) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36')).toBe('Chrome/131.0.6778.85');
    expect(browserRuntime('Mozilla/5.0 (X11; Linux x86_64; rv:141.0) Gecko/20100101 Firefox/141.0')).toBe('Firefox/141.0');
    expect(browserRuntime('Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Safari/605.1.15')).toBe('Safari/26.0');
  });
});

describe('dawnRuntime', () => {
  it("names Dawn with the installed webgpu package's version", async () => {
    const { version } = (await import('webgpu/package.json', { with: { type: 'json' } })).default as { version: string };
    expect(dawnRuntime()).toBe(`Dawn (webgpu ${version})`);
  });
});

describe('--autotune modes', () => {
  it('parses each mode and nothing else', () => {
    expect(parseAutotuneMode(' Refresh ')).toBe('refresh');
    expect(parseAutotuneMode('on')).toBe('on');
    expect(parseAutotuneMode('yes')).toBeNull();
  });

  it('auto tunes on a hardware adapter and keeps the fixed rules on a software one; the others mean what they say', () => {
    expect(activeTuning('auto', false)).toBe('on');
    expect(activeTuning('auto', true)).toBe('off');
    for (const m of ['on', 'off', 'refresh'] as const) {
      expect(activeTuning(m, true)).toBe(m);
      expect(activeTuning(m, false)).toBe(m);
    }
  });
});
