// House rules every WGSL template in shaders/ must keep, checked on the sources: a header
// comment that starts with the kernel's own name; either the standard entry point of the
// generated prelude (`fn compute`) or one entry point of the shader's own, sized by
// WORKGROUP_SIZE (written once, in TypeScript) or by 1 for the one-invocation kernels; no u32
// override written out (the prelude generates them); and `layout` only as the bind group (`layout.$.name`): typegpu resolves every bare
// `layout` in the text, comments included, and warns that it dropped it.
import { describe, expect, it } from 'vitest';
import { shaderNames, shaderSource } from '../../src/gpu/shaders.ts';
import { usesStandardEntry } from '../../src/gpu/shader-prelude.ts';

const names = shaderNames();

describe('shader sources', () => {
  it('are all found', () => {
    expect(names.length).toBeGreaterThan(30);
  });

  it.each(names)('%s: header names the kernel', (name) => {
    expect(shaderSource(name).split('\n')[0]).toMatch(new RegExp(`^// ${name}\\b`));
  });

  it.each(names)('%s: the standard entry point, or its own sized by WORKGROUP_SIZE (or one invocation)', (name) => {
    const src = shaderSource(name);
    const sizes = [...src.matchAll(/@workgroup_size\(([^)]*)\)/g)].map((m) => m[1]);
    if (usesStandardEntry(src)) {
      expect(sizes).toEqual([]);
    } else if (sizes[0] === '1') {
      expect(src.split('\n').slice(0, 3).join(' ')).toMatch(/ONE invocation/);
    } else {
      expect(sizes).toEqual(['WORKGROUP_SIZE']);
    }
  });

  it.each(names)('%s: no u32 override written out (the prelude declares them)', (name) => {
    expect(shaderSource(name).match(/^override \w+: u32;$/gm)).toBeNull();
  });

  it.each(names)('%s: mentions layout only as layout.$', (name) => {
    const bare = shaderSource(name)
      .split('\n')
      .map((line, i) => [i + 1, line] as const)
      .filter(([, line]) => /\blayout\b(?!\.\$)/.test(line));
    expect(bare.map(([n, line]) => `${n}: ${line}`)).toEqual([]);
  });
});
