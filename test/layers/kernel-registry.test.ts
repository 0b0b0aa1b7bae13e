// The kernel registry without a GPU: every entry is well-formed (a stable id naming its pass,
// shaders that exist, a positive workgroup size), the fixed rule and the candidates follow the
// priority order and `preferredWhen`, and a chooser takes overrides, records its slots and
// refuses an override naming another pass's entry or one that does not support the layer.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_KERNELS } from '../../src/layers/kernels.ts';
import { CONV2D_FORWARD_KERNELS, CONV2D_INPUT_KERNELS, type Conv2dConfig } from '../../src/layers/conv2d.ts';
import { createChooser, fixedChoice, supportedCandidates, supportsWhenNoThrow, tunableSlots, type KernelSlot } from '../../src/gpu/kernel-registry.ts';
import { POOL2D_KERNELS } from '../../src/layers/pool2d.ts';

const SHADERS = new Set(readdirSync(new URL('../../shaders/', import.meta.url)).map((f) => f.replace(/\.wgsl$/, '')));

/** Shaders of kernels that are not registered yet (the general layers' builders compile them directly). */
const UNREGISTERED = [
  'smoke_axpy', 'step_begin', 'step_end',
];

const conv = (c: Partial<Conv2dConfig>): Conv2dConfig => ({
  name: 'c', batch: 2, height: 13, width: 13, inChannels: 32, outChannels: 64, kernelOffset: 0, biasOffset: 0, ...c,
});

describe('kernel registry', () => {
  it('every entry has a unique id', () => {
    const ids = ALL_KERNELS.map((e) => e.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  for (const e of ALL_KERNELS) {
    it(`${e.id}: its id names its pass; its shaders exist (or it is generated); a positive workgroup size`, () => {
      expect(e.id.split('.')).toHaveLength(3);
      expect(e.id.split('.')[1]).toBe(e.pass);
      // A generated kernel (src/gpu/gemm/) has no file; every other has one or more.
      expect(e.generate ? e.shaders.length === 0 : e.shaders.length > 0).toBe(true);
      for (const s of e.shaders) expect(SHADERS.has(s), `shaders/${s}.wgsl`).toBe(true);
      expect(Number.isInteger(e.workgroupSize) && e.workgroupSize > 0).toBe(true);
    });
  }

  it('every shader in shaders/ belongs to a registered kernel or to the list of unregistered ones', () => {
    const registered = new Set(ALL_KERNELS.flatMap((e) => e.shaders));
    expect([...SHADERS].filter((s) => !registered.has(s)).sort()).toEqual([...UNREGISTERED].sort());
  });

  it('the fixed rule is the first supported entry that prefers the configuration', () => {
    const ids = (c: Conv2dConfig) => supportedCandidates(CONV2D_FORWARD_KERNELS, 'forward', c).map((e) => e.id);
    expect(fixedChoice(CONV2D_FORWARD_KERNELS, 'forward', conv({ inChannels: 1 })).id).toBe('conv2d.forward.cin1row');
    expect(fixedChoice(CONV2D_FORWARD_KERNELS, 'forward', conv({ inChannels: 3 })).id).toBe('conv2d.forward.tile4x4');
    expect(fixedChoice(CONV2D_FORWARD_KERNELS, 'forward', conv({ usedOutputHeight: 10, usedOutputWidth: 10 })).id).toBe('conv2d.forward.tile5x5');
    expect(fixedChoice(CONV2D_FORWARD_KERNELS, 'forward', conv({})).id).toBe('conv2d.forward.tiled');
    // A preference narrows the rule, not the candidates.
    expect(ids(conv({}))).toEqual(['conv2d.forward.tile4x4', 'conv2d.forward.tile5x5', 'conv2d.forward.tiled']);
    expect(fixedChoice(CONV2D_INPUT_KERNELS, 'backward-input', conv({ inChannels: 4 })).id).toBe('conv2d.backward-input.direct');
    expect(() => fixedChoice(CONV2D_FORWARD_KERNELS, 'backward-input', conv({}))).toThrow(/no backward-input kernel supports/);
  });

  it("supports from a layer's throwing check: true, or the check's message", () => {
    const supports = supportsWhenNoThrow((n: number) => {
      if (n < 0) throw new Error(`negative: ${n}`);
    });
    expect(supports(3)).toBe(true);
    expect(supports(-2)).toBe('negative: -2');
    const pool = { name: 'p', batch: 1, height: 5, width: 5, channels: 1, kind: 'max' as const, padding: 'valid' as const, poolHeight: 3, poolWidth: 3, strideHeight: 1, strideWidth: 1 };
    expect(POOL2D_KERNELS.forward.supports(pool)).toBe(true);
    expect(POOL2D_KERNELS.forward.supports({ ...pool, height: 2 })).toMatch(/\S/);
  });

  it('a chooser takes overrides, records slots, and refuses unsupported or foreign entries', () => {
    const slots: KernelSlot[] = [];
    const chooser = createChooser({ a: { forward: 'conv2d.forward.tile4x4' }, z: { forward: 'conv2d.forward.tiled' } }, slots);
    expect(chooser.choose('a', CONV2D_FORWARD_KERNELS, 'forward', conv({})).id).toBe('conv2d.forward.tile4x4');
    expect(chooser.choose('b', CONV2D_FORWARD_KERNELS, 'forward', conv({ inChannels: 1 })).id).toBe('conv2d.forward.cin1row');
    expect(slots.map((s) => [s.layer, s.fixed, s.chosen])).toEqual([
      ['a', 'conv2d.forward.tiled', 'conv2d.forward.tile4x4'],
      ['b', 'conv2d.forward.cin1row', 'conv2d.forward.cin1row'],
    ]);
    expect(tunableSlots(slots)).toHaveLength(2);
    expect(chooser.unused()).toEqual(['z/forward']);
    const bad = createChooser({ a: { forward: 'conv2d.forward.cin1row' } });
    expect(() => bad.choose('a', CONV2D_FORWARD_KERNELS, 'forward', conv({}))).toThrow(
      'kernel choice for layer "a", pass forward: conv2d.forward.cin1row does not support it: needs 1 input channel (got 32)',
    );
    const foreign = createChooser({ a: { forward: 'conv2d.backward-input.rows' } });
    expect(() => foreign.choose('a', [...CONV2D_FORWARD_KERNELS, ...CONV2D_INPUT_KERNELS], 'forward', conv({}))).toThrow(
      /layer "a", pass forward: conv2d\.backward-input\.rows is not a forward kernel of this layer/,
    );
  });
});
