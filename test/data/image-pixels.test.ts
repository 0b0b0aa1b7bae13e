// Display of byte images of any (H, W, C): the RGBA a canvas gets and the grey level the
// terminal thresholds, for one, three and four channels.
import { describe, expect, it } from 'vitest';
import { checkDisplayShape, greyAt, greyToChannels, imageBytes, imageRgba } from '../../src/data/image-pixels.ts';

describe('image pixels', () => {
  it('shows a one-channel (2, 3) image as grey RGBA, row-major, inverted on request', () => {
    const grey = Uint8Array.of(0, 10, 20, 30, 40, 255); // (2, 3)
    const rgba = [0, 0, 0, 255, 10, 10, 10, 255, 20, 20, 20, 255, 30, 30, 30, 255, 40, 40, 40, 255, 255, 255, 255, 255];
    expect(Array.from(imageRgba(grey, [2, 3, 1]))).toEqual(rgba);
    const inverted = [255, 255, 255, 255, 245, 245, 245, 255, 235, 235, 235, 255, 225, 225, 225, 255, 215, 215, 215, 255, 0, 0, 0, 255];
    expect(Array.from(imageRgba(grey, [2, 3, 1], true))).toEqual(inverted);
  });

  it('shows a three-channel (3, 2) image as opaque RGB and a four-channel one as it is', () => {
    const rgb = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18); // (3, 2, 3)
    expect(Array.from(imageRgba(rgb, [3, 2, 3], true))).toEqual([1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255, 10, 11, 12, 255, 13, 14, 15, 255, 16, 17, 18, 255]);
    const rgba = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8); // (1, 2, 4)
    expect(Array.from(imageRgba(rgba, [1, 2, 4]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('reads grey levels: the byte, the luma of RGB, the luma weighed by alpha', () => {
    expect(greyAt(Uint8Array.of(7, 200), 1, 1)).toBe(200);
    expect(greyAt(Uint8Array.of(0, 0, 0, 100, 50, 200), 1, 3)).toBe(Math.round(0.299 * 100 + 0.587 * 50 + 0.114 * 200));
    expect(greyAt(Uint8Array.of(100, 50, 200, 51), 0, 4)).toBe(Math.round((0.299 * 100 + 0.587 * 50 + 0.114 * 200) * 0.2));
  });

  it('spreads a grey image over channels (RGBA: opaque) and sizes images', () => {
    expect(Array.from(greyToChannels(Uint8Array.of(9, 200), 3))).toEqual([9, 9, 9, 200, 200, 200]);
    expect(Array.from(greyToChannels(Uint8Array.of(9, 200), 4))).toEqual([9, 9, 9, 255, 200, 200, 200, 255]);
    expect(imageBytes([32, 24, 3])).toBe(2304);
  });

  it('refuses shapes it cannot show', () => {
    expect(() => checkDisplayShape([28, 28, 2])).toThrow('cannot show images of shape (28, 28, 2): expected whole sizes and 1, 3 or 4 channels');
    expect(() => imageRgba(new Uint8Array(4), [0, 4, 1])).toThrow(/shape \(0, 4, 1\)/);
  });
});
