// The bench's arithmetic-floor rewrite of conv2d_forward_tile5x5: it must strip exactly the
// inner loop's loads (49 window values, 18 kernel vec4s), keep everything else (the bias loads,
// the stores), and refuse a shader that no longer has that shape.
import { describe, expect, it } from 'vitest';
import { tile5x5ArithmeticOnly } from '../../bench/arithmetic-floor.ts';
import { shaderSource } from '../../src/gpu/shaders.ts';

const count = (s: string, needle: string) => s.split(needle).length - 1;

describe('tile5x5ArithmeticOnly', () => {
  const template = shaderSource('conv2d_forward_tile5x5');

  it('replaces every inner-loop load by its index arithmetic and keeps the rest', () => {
    const out = tile5x5ArithmeticOnly(template);
    expect(count(template, 'layout.$.x[')).toBe(49);
    expect(count(out, 'layout.$.x[')).toBe(0);
    // Left: the two bias loads before the loop.
    expect(count(out, 'layout.$.params[')).toBe(2);
    expect(count(out, 'layout.$.params[bias4 + g')).toBe(2);
    expect(count(out, '& 7u)')).toBe(49 + 18);
    expect(count(out, 'layout.$.y[')).toBe(count(template, 'layout.$.y['));
    // Only expressions inside lines changed.
    expect(out.split('\n').length).toBe(template.split('\n').length);
  });

  it('refuses a shader without exactly those loads', () => {
    const oneLoadLess = template.replace('let x00 = layout.$.x[r0 + c0 + ci];', 'let x00 = 0.0;');
    expect(() => tile5x5ArithmeticOnly(oneLoadLess)).toThrow(/48 window and 18 kernel loads/);
    expect(() => tile5x5ArithmeticOnly(shaderSource('conv2d_forward_tile4x4'))).toThrow(/conv2d_forward_tile5x5 changed/);
  });
});
