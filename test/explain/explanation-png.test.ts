// The explanation's PNG (src/explain/explanation-png.ts) decoded back: its size, each panel's
// pixels where the image, the saliency and Grad-CAM are known, the class bars and the text.
import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { explanationPng, explanationText } from '../../src/explain/explanation-png.ts';
import { heatColor } from '../../src/explain/heat-color.ts';
import type { Explanation } from '../../src/explain/explainer.ts';

const H = 4;
const W = 5;

/** A 4x5 one-channel explanation: pixel (1, 2) bright, the saliency largest at (3, 4), Grad-CAM hottest at (0, 0). */
function sample(): { e: Explanation; pixels: Uint8Array } {
  const pixels = new Uint8Array(H * W);
  pixels[1 * W + 2] = 200;
  const saliency = new Float32Array(H * W);
  saliency[3 * W + 4] = -0.5; // the magnitude counts
  saliency[0] = 0.25;
  const upsampled = new Float32Array(H * W);
  upsampled[0] = 2;
  const probabilities = Float32Array.of(0.1, 0.7, 0.2);
  const e: Explanation = {
    classIndex: 2, logits: new Float32Array(3), probabilities, featureMaps: [], saliency,
    gradCam: { layer: 'conv2d_1', height: 2, width: 2, map: new Float32Array(4), weights: new Float32Array(1), upsampled },
  };
  return { e, pixels };
}

describe('explanationPng', () => {
  it('draws the image, the saliency and the Grad-CAM overlay side by side, bars per class, and the top classes as text', () => {
    const { e, pixels } = sample();
    const png = decode(explanationPng(e, { values: pixels, shape: [H, W, 1] }, { scale: 10, classNames: ['zero', 'one', 'two'] }));
    const gap = 6;
    expect([png.width, png.height, png.channels]).toEqual([3 * 50 + 4 * gap, 40 + 2 * gap + 48, 3]);
    const at = (x: number, y: number) => Array.from(png.data.slice((y * png.width + x) * 3, (y * png.width + x) * 3 + 3));
    // The centre of image pixel (row, col) in panel k.
    const centre = (k: number, row: number, col: number) => at(gap + k * (50 + gap) + col * 10 + 5, gap + row * 10 + 5);
    expect(centre(0, 1, 2)).toEqual([255, 255, 255]); // the brightest pixel white
    expect(centre(0, 0, 0)).toEqual([0, 0, 0]);
    expect(centre(1, 3, 4)).toEqual(heatColor(1)); // |-0.5| is the largest
    expect(centre(1, 0, 0)).toEqual(heatColor(0.5));
    expect(centre(1, 2, 2)).toEqual(heatColor(0));
    // Grad-CAM: half heat, half the grey image.
    expect(centre(2, 0, 0)).toEqual(heatColor(1).map((v) => Math.round(v / 2)));
    expect(centre(2, 1, 2)).toEqual(heatColor(0).map((v) => Math.round(v / 2 + 127.5)));
    // Bars: the explained class's orange, the others grey, as tall as their probabilities.
    const slot = Math.floor((png.width - 2 * gap) / 3);
    const barTop = (k: number) => {
      const x = gap + k * slot + 1 + Math.floor(slot / 2);
      let y = png.height - gap - 1;
      while (at(x, y).join() !== '255,255,255') y--;
      return { height: png.height - gap - 1 - y, colour: at(x, png.height - gap - 1) };
    };
    expect(barTop(2).colour).toEqual([230, 120, 20]);
    expect(barTop(1).colour).toEqual([150, 150, 150]);
    expect(barTop(1).height).toBe(Math.round(42 * 0.7));
    expect(barTop(0).height).toBe(Math.round(42 * 0.1));
    expect(png.text.Description).toBe('top: one 70.0%, two 20.0%, zero 10.0%; explained: two; Grad-CAM on conv2d_1');
  });

  it('leaves Grad-CAM out for a model without a convolution, and names a size mismatch', () => {
    const { e, pixels } = sample();
    const noCam = { ...e, gradCam: undefined };
    expect(decode(explanationPng(noCam, { values: pixels, shape: [H, W, 1] }, { scale: 1 })).width).toBe(2 * W + 3 * 6);
    expect(explanationText(noCam, { top: 1 })).toBe('top: 1 70.0%; explained: 2');
    expect(() => explanationPng(e, { values: pixels, shape: [H, W, 3] })).toThrow(/expected 4 x 5 x 3 = 60 values of the image and its saliency, got 20 and 20/);
  });

  it('colours the heat scale from dark blue through green to dark red', () => {
    expect(heatColor(0)).toEqual([0, 0, 128]);
    expect(heatColor(0.5)).toEqual([128, 255, 128]);
    expect(heatColor(1)).toEqual([128, 0, 0]);
    expect(heatColor(Number.NaN)).toEqual(heatColor(0));
    expect(heatColor(7)).toEqual(heatColor(1));
  });
});
