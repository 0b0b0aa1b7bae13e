import { describe, expect, it } from 'vitest';
import { CLASS_NAMES } from '../../src/data/datasets.ts';
import { epochLine, formatDuration, imageLines, progressBar, progressLine, renderSamples } from '../../src/cli/render.ts';

describe('render', () => {
  it('formats durations like Keras', () => {
    expect(formatDuration(0.0734)).toBe('73ms');
    expect(formatDuration(31.2)).toBe('31s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(3725)).toBe('1h 02m');
    expect(formatDuration(NaN)).toBe('?');
  });

  it('draws a progress bar', () => {
    expect(progressBar(0, 10, 10)).toBe('[>.........]');
    expect(progressBar(5, 10, 10)).toBe('[=====>....]');
    expect(progressBar(10, 10, 10)).toBe('[==========]');
  });

  it('writes the epoch line like Keras', () => {
    const r = { loss: 0.07123, accuracy: 0.97812, val_loss: 0.04011, val_accuracy: 0.98873, seconds: 31.2 };
    expect(epochLine(r, 422)).toBe('422/422 - 31s - 74ms/step - loss: 0.0712 - accuracy: 0.9781 - val_loss: 0.0401 - val_accuracy: 0.9887');
    expect(epochLine({ ...r, val_loss: NaN, val_accuracy: NaN }, 422)).toBe('422/422 - 31s - 74ms/step - loss: 0.0712 - accuracy: 0.9781');
    expect(epochLine(r, 422, true)).toMatch(/^422\/422 \[=+\] - 31s/);
  });

  it('writes a progress line with ETA and throughput', () => {
    const line = progressLine({ type: 'progress', epoch: 1, step: 100, steps: 400, loss: 0.5, accuracy: 0.85, samplesPerSecond: 12345.6, batchLosses: [] }, 10);
    expect(line).toBe('100/400 [=======>......................] - ETA: 30s - loss: 0.5000 - accuracy: 0.8500 - 12,346 samples/s');
  });

  it('draws a 28x28 digit as 14 lines of 14 quadrant characters', () => {
    const img = new Uint8Array(784);
    for (let y = 4; y < 24; y++) img[y * 28 + 13] = 255; // a vertical stroke in column 13 (right half of char 6)
    img[0] = 255; // top-left pixel
    const lines = imageLines(img, [28, 28, 1]);
    expect(lines).toHaveLength(14);
    for (const l of lines) expect([...l]).toHaveLength(14);
    expect(lines[0][0]).toBe('▘');
    expect(lines[5][6]).toBe('▐');
    expect(lines[13].trim()).toBe('');
  });

  // A 5x3 image: odd sides leave the last line's lower half and the last column's right half empty.
  it('draws a one-channel image of odd sides: ink is a grey level of at least 96', () => {
    const grey = [
      [200, 95, 96],
      [0, 255, 0],
      [96, 96, 96],
      [95, 95, 95],
      [255, 0, 0],
    ].flat();
    expect(imageLines(Uint8Array.from(grey), [5, 3, 1])).toEqual(['▚▘', '▀▘', '▘ ']);
  });

  it('draws an RGB image by its luma (0.299 R + 0.587 G + 0.114 B) and an RGBA one weighed by its alpha', () => {
    const [R, G, B, W, K] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [0, 0, 0]]; // lumas 76, 150, 29, 255, 0
    const rgb = [
      [G, R, W],
      [B, G, K],
      [W, W, W],
      [R, R, R],
      [G, K, K],
    ].flat(2);
    expect(imageLines(Uint8Array.from(rgb), [5, 3, 3])).toEqual(['▚▘', '▀▘', '▘ ']);
    // white at alpha 255 is ink, at alpha 80 (grey 80) it is not
    expect(imageLines(Uint8Array.of(255, 255, 255, 255, 255, 255, 255, 80), [1, 2, 4])).toEqual(['▘']);
  });

  it('lays out 10 samples within 80 columns with labels and predictions', () => {
    const images = new Uint8Array(10 * 784).fill(255);
    const samples = Array.from({ length: 10 }, (_, i) => {
      const p = new Array(10).fill(0);
      p[i === 3 ? 0 : i] = 1;
      return { label: i, probabilities: p };
    });
    const text = renderSamples({ images, shape: [28, 28, 1], classNames: CLASS_NAMES.mnist }, samples);
    for (const l of text.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
    expect(text).toContain('true 0 pred 0✓');
    expect(text).toContain('true 3 pred 0✗');
    expect(text).toContain('(100.0%)');
    expect(text.split('\n').filter((l) => l.startsWith('██████████████'))).toHaveLength(28);
  });

  it("names the classes (Fashion-MNIST's), fewer to a row so that long names still fit in 80 columns", () => {
    const shape = [6, 8, 3] as const;
    const images = new Uint8Array(4 * 6 * 8 * 3).fill(255);
    const samples = [9, 0, 4, 6].map((label, i) => {
      const p = new Array(10).fill(0);
      p[i === 1 ? 6 : label] = 1;
      return { label, probabilities: p };
    });
    const text = renderSamples({ images, shape, classNames: CLASS_NAMES['fashion-mnist'] }, samples);
    const lines = text.split('\n');
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    expect(text).toContain('true Ankle boot pred Ankle boot✓');
    expect(text).toContain('true T-shirt/top pred Shirt✗');
    // the widest caption, 'true Ankle boot pred Ankle boot✓', is 32 characters: two samples to a
    // row (2 * 32 + 2 <= 80), each image 3 lines of 4 blocks
    expect(lines.filter((l) => l.startsWith('████'))).toEqual(Array(6).fill(`████${' '.repeat(28)}  ████`));
  });
});
