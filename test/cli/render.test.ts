import { describe, expect, it } from 'vitest';
import { digitLines, epochLine, formatDuration, progressBar, progressLine, renderSamples } from '../../src/cli/render.ts';

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

  it('draws a digit as 14 lines of 14 quadrant characters', () => {
    const img = new Uint8Array(784);
    for (let y = 4; y < 24; y++) img[y * 28 + 13] = 255; // a vertical stroke in column 13 (right half of char 6)
    img[0] = 255; // top-left pixel
    const lines = digitLines(img);
    expect(lines).toHaveLength(14);
    for (const l of lines) expect([...l]).toHaveLength(14);
    expect(lines[0][0]).toBe('▘');
    expect(lines[5][6]).toBe('▐');
    expect(lines[13].trim()).toBe('');
  });

  it('lays out 10 samples within 80 columns with labels and predictions', () => {
    const images = new Uint8Array(10 * 784).fill(255);
    const samples = Array.from({ length: 10 }, (_, i) => {
      const p = new Array(10).fill(0);
      p[i === 3 ? 0 : i] = 1;
      return { label: i, probabilities: p };
    });
    const text = renderSamples(images, samples);
    for (const l of text.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
    expect(text).toContain('true 0 pred 0✓');
    expect(text).toContain('true 3 pred 0✗');
    expect(text).toContain('(100.0%)');
    expect(text.split('\n').filter((l) => l.startsWith('██████████████'))).toHaveLength(28);
  });
});
