// House rules every WGSL template in shaders/ must keep, checked on the sources: a header
// comment that starts with the kernel's own name; the workgroup size written once, in
// TypeScript (an `override WORKGROUP_SIZE` without a default), except the one-invocation
// kernels; and `layout` only as the bind group (`layout.$.name`): typegpu resolves every bare
// `layout` in the text, comments included, and warns that it dropped it.
import { describe, expect, it } from 'vitest';
import { shaderNames, shaderSource } from '../../src/gpu/shaders.ts';

const names = shaderNames();

describe('shader sources', () => {
  it('are all found', () => {
    expect(names.length).toBeGreaterThan(30);
  });

  it.each(names)('%s: header names the kernel', (name) => {
    expect(shaderSource(name).split('\n')[0]).toMatch(new RegExp(`^// ${name}\\b`));
  });

  it.each(names)('%s: workgroup size from an override without a default (or one invocation)', (name) => {
    const src = shaderSource(name);
    const sizes = [...src.matchAll(/@workgroup_size\(([^)]*)\)/g)].map((m) => m[1]);
    expect(sizes).toHaveLength(1);
    if (sizes[0] === '1') {
      expect(src.split('\n').slice(0, 3).join(' ')).toMatch(/ONE invocation/);
    } else {
      expect(sizes[0]).toBe('WORKGROUP_SIZE');
      expect(src).toMatch(/^override WORKGROUP_SIZE: u32;$/m);
    }
  });

  it.each(names)('%s: mentions layout only as layout.$', (name) => {
    const bare = shaderSource(name)
      .split('\n')
      .map((line, i) => [i + 1, line] as const)
      .filter(([, line]) => /\blayout\b(?!\.\$)/.test(line));
    expect(bare.map(([n, line]) => `${n}: ${line}`)).toEqual([]);
  });
});
