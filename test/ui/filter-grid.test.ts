// The Layers view's filter grids: tile k of a convolution's grid is filter floor(k / cin)'s
// kernel over input channel k % cin (Keras's (kh, kw, cin, cout) order), a row per filter for a
// deeper convolution (the first MAX_FILTER_ROWS filters), every filter for a first one.
import { describe, expect, it } from 'vitest';
import { filterGrid, MAX_FILTER_ROWS } from '../../src/ui/layers-figure.ts';
import { Rng } from '../../src/model/rng.ts';

function filters(kh: number, kw: number, cin: number, cout: number) {
  const rng = new Rng(kh * 1000 + cin * 10 + cout);
  return { layer: 'conv', shape: [kh, kw, cin, cout], values: Float32Array.from({ length: kh * kw * cin * cout }, () => rng.nextFloat() - 0.5) };
}

describe('filterGrid', () => {
  it.each([
    [3, 3, 32, 64],
    [5, 5, 3, 6],
    [1, 1, 7, 20],
  ])('a %ix%i convolution over %i channels into %i filters: a row per filter, a kernel per input channel', (kh, kw, cin, cout) => {
    const f = filters(kh, kw, cin, cout);
    const g = filterGrid(f);
    const rows = Math.min(cout, MAX_FILTER_ROWS);
    expect(g.columns).toBe(cin);
    expect(g.count).toBe(cin * rows);
    expect([g.h, g.w]).toEqual([kh, kw]);
    expect(g.title).toContain(rows < cout ? `the first ${rows} of ${cout} filters` : 'a row per filter');
    for (let o = 0; o < rows; o++) {
      for (let c = 0; c < cin; c++) {
        for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) expect(g.value(o * cin + c, y, x)).toBe(f.values[((y * kw + x) * cin + c) * cout + o]);
      }
    }
  });

  it('a first convolution (one input channel): every filter, as many to a row as fit', () => {
    const f = filters(3, 3, 1, 32);
    const g = filterGrid(f);
    expect(g.count).toBe(32);
    expect(g.columns).toBeUndefined();
    for (let o = 0; o < 32; o++) expect(g.value(o, 2, 1)).toBe(f.values[(2 * 3 + 1) * 32 + o]);
  });
});
