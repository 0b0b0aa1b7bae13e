// The picture decoders against known pixel arrays: PNG (every colour type, 1- to 16-bit, palette
// with tRNS alphas, a gray colour key) and BMP (1, 4, 8-bit palettes, 24-bit bottom-up with row
// padding, 32-bit top-down with alpha) written by the tiny encoders of encode.ts; GIF's first
// frame; the colour modes (gray to RGB, RGB to gray as tf.image.rgb_to_grayscale, alpha); and
// damaged files refused with one line saying why.
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/data/images/decode-image.ts';
import { ImageDecodeError } from '../../../src/data/images/decoded-image.ts';
import { lumaByte, toColorMode } from '../../../src/data/images/color-mode.ts';
import { GifWriter } from 'omggif';
import { encodeBmp, encodePng } from './encode.ts';

const W = 5;
const H = 3;
const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('PNG', () => {
  it('8-bit RGB and RGBA, exactly', () => {
    const rgb = seq(W * H * 3, (i) => (i * 37 + 11) % 256);
    expect(decodeImage(encodePng({ width: W, height: H, colorType: 2, depth: 8, samples: rgb }))).toEqual({ width: W, height: H, channels: 3, data: Uint8Array.from(rgb) });
    const rgba = seq(W * H * 4, (i) => (i * 53 + 7) % 256);
    expect(decodeImage(encodePng({ width: W, height: H, colorType: 6, depth: 8, samples: rgba })).data).toEqual(Uint8Array.from(rgba));
  });

  it('1-, 2- and 4-bit gray scaled to 0..255; 16-bit samples keep their high byte', () => {
    for (const depth of [1, 2, 4] as const) {
      const max = (1 << depth) - 1;
      const samples = seq(W * H, (i) => (i * 3) % (max + 1));
      const img = decodeImage(encodePng({ width: W, height: H, colorType: 0, depth, samples }));
      expect(img.channels).toBe(1);
      expect(Array.from(img.data)).toEqual(samples.map((v) => (v * 255) / max));
    }
    const wide = seq(W * H * 3, (i) => (i * 4099 + 17) % 65536);
    expect(Array.from(decodeImage(encodePng({ width: W, height: H, colorType: 2, depth: 16, samples: wide })).data)).toEqual(wide.map((v) => v >> 8));
  });

  it('gray + alpha, a palette with tRNS alphas, and a gray colour key as alpha', () => {
    const ga = seq(W * H * 2, (i) => (i * 29) % 256);
    expect(decodeImage(encodePng({ width: W, height: H, colorType: 4, depth: 8, samples: ga }))).toMatchObject({ channels: 2, data: Uint8Array.from(ga) });
    const palette: [number, number, number][] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]];
    const indices = seq(W * H, (i) => i % 4);
    const pal = decodeImage(encodePng({ width: W, height: H, colorType: 3, depth: 2, samples: indices, palette, trns: [0, 128] }));
    expect(pal.channels).toBe(4);
    const alphas = [0, 128, 255, 255];
    expect(Array.from(pal.data)).toEqual(indices.flatMap((k) => [...palette[k], alphas[k]]));
    const plain = decodeImage(encodePng({ width: W, height: H, colorType: 3, depth: 8, samples: indices, palette }));
    expect(Array.from(plain.data)).toEqual(indices.flatMap((k) => palette[k]));
    const gray = seq(W * H, (i) => (i % 3) * 100);
    const keyed = decodeImage(encodePng({ width: W, height: H, colorType: 0, depth: 8, samples: gray, trns: [100] }));
    expect(Array.from(keyed.data)).toEqual(gray.flatMap((v) => [v, v === 100 ? 0 : 255]));
  });

  it('damaged files: a flipped byte (CRC), a truncated file, a palette index past the palette', () => {
    const good = encodePng({ width: W, height: H, colorType: 2, depth: 8, samples: seq(W * H * 3, (i) => i) });
    const flipped = good.slice();
    flipped[good.length - 20] ^= 0xff;
    expect(() => decodeImage(flipped)).toThrow(/damaged PNG.*crc/i);
    expect(() => decodeImage(good.subarray(0, good.length - 30))).toThrow(ImageDecodeError);
    const bad = encodePng({ width: 2, height: 1, colorType: 3, depth: 8, samples: [0, 5], palette: [[1, 2, 3]] });
    expect(() => decodeImage(bad)).toThrow(/damaged PNG \(palette index 5/);
  });
});

describe('BMP', () => {
  it('24-bit bottom-up (odd width: padded rows) and 32-bit top-down with alpha, exactly', () => {
    const rgb = seq(W * H * 3, (i) => (i * 41 + 3) % 256);
    expect(decodeImage(encodeBmp({ width: W, height: H, bitsPerPixel: 24, pixels: rgb }))).toEqual({ width: W, height: H, channels: 3, data: Uint8Array.from(rgb) });
    const rgba = seq(W * H * 4, (i) => (i * 67 + 5) % 256);
    expect(decodeImage(encodeBmp({ width: W, height: H, bitsPerPixel: 32, pixels: rgba, topDown: true }))).toEqual({ width: W, height: H, channels: 4, data: Uint8Array.from(rgba) });
  });

  it('1-, 4- and 8-bit palettes, exactly', () => {
    const palette = Array.from({ length: 16 }, (_, i): [number, number, number] => [i * 16, 255 - i * 16, (i * 77) % 256]);
    for (const bpp of [1, 4, 8] as const) {
      const colours = Math.min(16, 1 << bpp);
      const indices = seq(W * H, (i) => (i * 7) % colours);
      const img = decodeImage(encodeBmp({ width: W, height: H, bitsPerPixel: bpp, pixels: indices, palette: palette.slice(0, colours) }));
      expect(Array.from(img.data), `${bpp}-bit`).toEqual(indices.flatMap((k) => palette[k]));
    }
  });

  it('damaged or unsupported: truncated pixels, RLE compression', () => {
    const good = encodeBmp({ width: W, height: H, bitsPerPixel: 24, pixels: seq(W * H * 3, () => 9) });
    expect(() => decodeImage(good.subarray(0, good.length - 5))).toThrow(/truncated BMP/);
    const rle = good.slice();
    new DataView(rle.buffer).setUint32(30, 1, true);
    expect(() => decodeImage(rle)).toThrow(/compressed BMP \(compression 1/);
  });
});

describe('any picture', () => {
  it('an empty file, a text file and an unknown format are refused, saying what they are', () => {
    expect(() => decodeImage(new Uint8Array(0))).toThrow('empty file');
    expect(() => decodeImage(new TextEncoder().encode('hello'))).toThrow(/not a PNG, JPEG, GIF or BMP image \(it starts with bytes 68 65 6c 6c\)/);
    expect(() => decodeImage(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0))).toThrow(/truncated PNG/);
  });

  it('GIF: the first frame as RGBA, left-out and transparent pixels 0', () => {
    // A 3x2 screen; frame 0 covers its first two columns, index 3 transparent; frame 1 covers all.
    const palette = [0x000000, 0xffffff, 0x102030, 0x405060];
    const buf = new Uint8Array(1024);
    const writer = new GifWriter(buf, 3, 2, { palette });
    writer.addFrame(0, 0, 2, 2, [1, 2, 3, 1], { transparent: 3 });
    writer.addFrame(0, 0, 3, 2, [2, 2, 2, 2, 2, 2]);
    const img = decodeImage(buf.subarray(0, writer.end()));
    expect(img).toMatchObject({ width: 3, height: 2, channels: 4 });
    const white = [255, 255, 255, 255];
    const none = [0, 0, 0, 0];
    expect(Array.from(img.data)).toEqual([...white, 0x10, 0x20, 0x30, 255, ...none, ...none, ...white, ...none]);
  });
});

describe('colour modes', () => {
  it('RGB to gray as tf.image.rgb_to_grayscale: float32 weights 0.2989, 0.5870, 0.1140, truncated after x 255.5', () => {
    // By hand: 255 * 0.2989 / 255 * 255.5 = 76.37; 0.587 * 255.5 = 149.97; 0.114 * 255.5 = 29.13;
    // (100 * 0.2989 + 150 * 0.587 + 200 * 0.114) / 255 * 255.5 = 141.02.
    expect([lumaByte(255, 0, 0), lumaByte(0, 255, 0), lumaByte(0, 0, 255), lumaByte(100, 150, 200), lumaByte(255, 255, 255), lumaByte(0, 0, 0)]).toEqual([76, 149, 29, 141, 255, 0]);
    // Equal channels keep their value.
    for (let v = 0; v < 256; v++) expect(lumaByte(v, v, v)).toBe(v);
  });

  it('gray to RGB and RGBA, alpha dropped or kept, RGBA to gray ignores alpha', () => {
    const gray = { width: 2, height: 1, channels: 1 as const, data: Uint8Array.of(7, 200) };
    expect(Array.from(toColorMode(gray, 'rgb'))).toEqual([7, 7, 7, 200, 200, 200]);
    expect(Array.from(toColorMode(gray, 'rgba'))).toEqual([7, 7, 7, 255, 200, 200, 200, 255]);
    const ga = { width: 1, height: 1, channels: 2 as const, data: Uint8Array.of(9, 40) };
    expect(Array.from(toColorMode(ga, 'rgba'))).toEqual([9, 9, 9, 40]);
    expect(Array.from(toColorMode(ga, 'grayscale'))).toEqual([9]);
    const rgba = { width: 1, height: 1, channels: 4 as const, data: Uint8Array.of(100, 150, 200, 3) };
    expect(Array.from(toColorMode(rgba, 'rgb'))).toEqual([100, 150, 200]);
    expect(Array.from(toColorMode(rgba, 'grayscale'))).toEqual([141]);
    const rgb = { width: 1, height: 1, channels: 3 as const, data: Uint8Array.of(1, 2, 3) };
    expect(Array.from(toColorMode(rgb, 'rgba'))).toEqual([1, 2, 3, 255]);
  });
});
