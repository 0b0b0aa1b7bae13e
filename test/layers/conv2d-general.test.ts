// The general conv2d layer's config checks and derived sizes (no GPU needed): bad configs fail
// with a message naming the problem, and the split-K plan covers every output position once.
import { describe, expect, it } from 'vitest';
import { conv2dGeneralShape, type Conv2dGeneralConfig } from '../../src/layers/conv2d-general.ts';

const BASE: Conv2dGeneralConfig = {
  name: 'c', batch: 2, inHeight: 9, inWidth: 7, inChannels: 3, outChannels: 6, kernelHeight: 3, kernelWidth: 5,
  strideHeight: 2, strideWidth: 1, padding: 'same', useBias: true, activation: 'relu', kernelOffset: 4, biasOffset: 276,
};

describe('general conv2d config', () => {
  it.each<[string, Partial<Conv2dGeneralConfig>, RegExp]>([
    ['kernel larger than 7', { kernelWidth: 8 }, /kernelWidth must be an integer in 1\.\.7/],
    ['stride 3', { strideHeight: 3 }, /strideHeight must be an integer in 1\.\.2/],
    ['zero batch', { batch: 0 }, /batch must be an integer/],
    ['fractional channels', { inChannels: 2.5 }, /inChannels must be an integer/],
    ['unaligned kernel offset', { kernelOffset: 6 }, /kernelOffset must be a multiple of 4/],
    ['unknown padding', { padding: 'full' as 'same' }, /padding must be 'valid' or 'same'/],
    ['unknown activation', { activation: 'softmax' as 'relu' }, /activation "softmax"/],
    ['bias overlapping the kernel', { biasOffset: 200 }, /bias \[200, \+6\) overlaps the kernel \[4, \+270\)/],
    ["'valid' output collapses to zero", { padding: 'valid', inWidth: 4 }, /smaller than the 3x5 kernel.*empty/],
  ])('rejects %s', (_, change, message) => {
    expect(() => conv2dGeneralShape({ ...BASE, ...change })).toThrow(message);
  });

  it.each<Partial<Conv2dGeneralConfig>>([
    {},
    { batch: 1, inHeight: 1, inWidth: 1, padding: 'same' },
    { batch: 4096, inHeight: 64, inWidth: 64, inChannels: 1, outChannels: 8, kernelHeight: 7, kernelWidth: 7 },
    { batch: 128, inHeight: 13, inWidth: 13, inChannels: 64, outChannels: 64, kernelHeight: 7, kernelWidth: 7, useBias: false },
  ])('splits the output positions into chunks that cover each once: %o', (change) => {
    const kernel = { ...BASE, ...change };
    const kernelSize = kernel.kernelHeight * kernel.kernelWidth * kernel.inChannels * kernel.outChannels;
    const c = { ...kernel, biasOffset: Math.ceil((kernel.kernelOffset + kernelSize) / 4) * 4 };
    const s = conv2dGeneralShape(c);
    expect(s.positions).toBe(c.batch * s.outHeight * s.outWidth);
    expect(s.chunk).toBeGreaterThanOrEqual(1);
    expect(s.chunks * s.chunk).toBeGreaterThanOrEqual(s.positions);
    expect((s.chunks - 1) * s.chunk).toBeLessThan(s.positions);
    expect(s.partialRow).toBe(s.kernelSize + (c.useBias ? c.outChannels : 0));
    // The reduce sums the chunks serially per element; the scratch stays small.
    expect(s.chunks).toBeLessThanOrEqual(512);
    expect(s.chunks * s.partialRow * 4).toBeLessThanOrEqual(64 * 1024 * 1024);
  });
});
