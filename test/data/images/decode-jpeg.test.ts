// The JPEG decoder (jpeg-js's planes, libjpeg-turbo's upsampling and colour conversion) against
// libjpeg-turbo itself (TensorFlow's JPEG decoder): committed JPEG files (4:4:4, 4:2:2, 4:2:0,
// progressive, gray) and the pixels libjpeg-turbo's djpeg gives for them
// (test/fixtures/images/README.md). The inverse DCTs round differently, by a level or two.
// Tolerances: the largest and the mean difference per channel value, as measured, with a little
// room. (With jpeg-js's own chroma upsampling, which repeats samples, 4:2:0 differed by up to
// 17 levels, 4.3 on average, on the smooth picture.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/data/images/decode-image.ts';
import { toColorMode } from '../../../src/data/images/color-mode.ts';

const FIXTURES = new URL('../../fixtures/images/', import.meta.url);

/** A binary PGM (P5) or PPM (P6) file: size, channels and bytes. */
function readPnm(name: string): { width: number; height: number; channels: number; data: Uint8Array } {
  const bytes = new Uint8Array(readFileSync(new URL(name, FIXTURES)));
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 64));
  const m = /^P([56])\s+(\d+)\s+(\d+)\s+255\s/.exec(text)!;
  const channels = m[1] === '5' ? 1 : 3;
  return { width: Number(m[2]), height: Number(m[3]), channels, data: bytes.subarray(m[0].length) };
}

function differences(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

describe('JPEG (jpeg-js) against libjpeg-turbo', () => {
  it.each([
    ['photo-444', 3, 0.3],
    ['photo-gray', 2, 0.3],
    ['photo-420', 4, 0.3],
    ['photo-422', 4, 0.3],
    ['stripes-420-progressive', 4, 0.3],
  ] as const)('%s: within %i levels, mean under %f', (name, maxTolerance, meanTolerance) => {
    const reference = readPnm(`${name}.djpeg.pnm`);
    const decoded = decodeImage(new Uint8Array(readFileSync(new URL(`${name}.jpg`, FIXTURES))));
    expect([decoded.width, decoded.height]).toEqual([reference.width, reference.height]);
    const pixels = reference.channels === 1 ? toColorMode(decoded, 'grayscale') : decoded.data;
    const d = differences(pixels, reference.data);
    console.log(`${name}: largest difference ${d.max}, mean ${d.mean.toFixed(3)} (per channel value)`);
    expect(d.max).toBeLessThanOrEqual(maxTolerance);
    expect(d.mean).toBeLessThan(meanTolerance);
  });

  it('a truncated or damaged JPEG is refused in one line', () => {
    const bytes = new Uint8Array(readFileSync(new URL('photo-444.jpg', FIXTURES)));
    expect(() => decodeImage(bytes.subarray(0, 200))).toThrow(/^damaged or unsupported JPEG \(/);
  });
});
