import { describe, expect, it } from 'vitest';
import { labelComponents } from '../../src/ui/components.ts';

/** Union-find over 8-neighbours: the root of each foreground pixel, -1 for background. */
function referenceRoots(mask: Uint8Array, width: number, height: number): Int32Array {
  const parent = Int32Array.from({ length: mask.length }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (!mask[y * width + x]) continue;
    for (const [dx, dy] of [[1, 0], [-1, 1], [0, 1], [1, 1]]) {
      const nx = x + dx, ny = y + dy;
      if (nx >= 0 && nx < width && ny < height && mask[ny * width + nx]) parent[find(y * width + x)] = find(ny * width + nx);
    }
  }
  return Int32Array.from({ length: mask.length }, (_, i) => (mask[i] ? find(i) : -1));
}

describe('labelComponents', () => {
  it('joins diagonal neighbours (8-connectivity) and nothing else', () => {
    const mask = Uint8Array.from([
      1, 0, 0, 1,
      0, 1, 0, 1,
      0, 0, 0, 0,
      1, 1, 0, 1,
    ]);
    const { labels, components } = labelComponents(mask, 4, 4);
    expect(components.map((c) => c.area)).toEqual([2, 2, 2, 1]);
    expect(labels[0]).toBe(labels[5]);
    expect(components[0]).toMatchObject({ x0: 0, y0: 0, x1: 1, y1: 1 });
    expect(labels[2]).toBe(0);
  });

  it('matches a union-find reference on random masks of awkward shapes', () => {
    let seed = 5;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    for (const [width, height, density] of [[1, 1, 0.5], [1, 37, 0.5], [29, 1, 0.6], [31, 17, 0.45], [64, 48, 0.55]]) {
      const mask = Uint8Array.from({ length: width * height }, () => (rnd() < density ? 1 : 0));
      const { labels, components } = labelComponents(mask, width, height);
      const roots = referenceRoots(mask, width, height);
      const rootOfLabel = new Map<number, number>();
      for (let i = 0; i < mask.length; i++) {
        expect(labels[i] === 0).toBe(roots[i] === -1);
        if (!labels[i]) continue;
        if (!rootOfLabel.has(labels[i])) rootOfLabel.set(labels[i], roots[i]);
        expect(rootOfLabel.get(labels[i])).toBe(roots[i]);
      }
      expect(new Set(rootOfLabel.values()).size).toBe(components.length); // one label per reference component
      for (const c of components) {
        const pixels = [...labels.keys()].filter((i) => labels[i] === c.label);
        expect(c.area).toBe(pixels.length);
        expect(c.x0).toBe(Math.min(...pixels.map((i) => i % width)));
        expect(c.x1).toBe(Math.max(...pixels.map((i) => i % width)));
        expect(c.y0).toBe(Math.min(...pixels.map((i) => Math.floor(i / width))));
        expect(c.y1).toBe(Math.max(...pixels.map((i) => Math.floor(i / width))));
      }
    }
  });

  it('rejects a mask of the wrong size', () => {
    expect(() => labelComponents(new Uint8Array(5), 2, 3)).toThrow(/expected 2x3/);
  });
});
