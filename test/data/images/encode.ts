// Tiny PNG and BMP writers for the decoder tests, written from the formats' specifications
// (independent of the decoders under test): PNG of any colour type and bit depth with filter 0
// rows, an optional palette and tRNS chunk; uncompressed BMP of 1, 4, 8 (palette), 24 and 32
// bits, bottom-up or top-down.
import { zlibSync } from 'fflate';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  const body = out.subarray(4, 8 + data.length);
  body.set([...type].map((c) => c.charCodeAt(0)));
  body.set(data, 4);
  view.setUint32(8 + data.length, crc32(body));
  return out;
}

export interface PngSpec {
  width: number;
  height: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  colorType: 0 | 2 | 3 | 4 | 6;
  depth: 1 | 2 | 4 | 8 | 16;
  /** Samples (or palette indices), row-major, channels interleaved, at `depth` bits. */
  samples: number[];
  palette?: [number, number, number][];
  /** Palette alphas (colour type 3) or the colour key (0: [gray], 2: [r, g, b]), at `depth` bits. */
  trns?: number[];
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

export function encodePng(spec: PngSpec): Uint8Array {
  const { width, height, colorType, depth, samples } = spec;
  const perRow = width * CHANNELS[colorType];
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const raw = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    const row = raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    for (let k = 0; k < perRow; k++) {
      const v = samples[y * perRow + k];
      if (depth === 16) {
        row[k * 2] = v >> 8;
        row[k * 2 + 1] = v & 0xff;
      } else if (depth === 8) row[k] = v;
      else {
        const bit = k * depth;
        row[bit >> 3] |= v << (8 - depth - (bit & 7));
      }
    }
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([depth, colorType, 0, 0, 0], 8);
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr)];
  if (spec.palette) parts.push(chunk('PLTE', Uint8Array.from(spec.palette.flat())));
  if (spec.trns) {
    const t = colorType === 3 ? Uint8Array.from(spec.trns) : new Uint8Array(spec.trns.length * 2);
    if (colorType !== 3) spec.trns.forEach((value, i) => new DataView(t.buffer).setUint16(i * 2, value));
    parts.push(chunk('tRNS', t));
  }
  parts.push(chunk('IDAT', zlibSync(raw)), chunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

export interface BmpSpec {
  width: number;
  height: number;
  bitsPerPixel: 1 | 4 | 8 | 24 | 32;
  /** RGB(A) bytes per pixel (24, 32) or palette indices (1, 4, 8), row-major from the top. */
  pixels: number[];
  palette?: [number, number, number][];
  topDown?: boolean;
}

export function encodeBmp(spec: BmpSpec): Uint8Array {
  const { width, height, bitsPerPixel: bpp, pixels } = spec;
  const rowBytes = Math.ceil((width * bpp) / 32) * 4;
  const paletteBytes = (spec.palette?.length ?? 0) * 4;
  const dataStart = 14 + 40 + paletteBytes;
  const out = new Uint8Array(dataStart + rowBytes * height);
  const view = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  view.setUint32(2, out.length, true);
  view.setUint32(10, dataStart, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, spec.topDown ? -height : height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, bpp, true);
  view.setUint32(46, spec.palette?.length ?? 0, true);
  spec.palette?.forEach(([r, g, b], i) => out.set([b, g, r, 0], 54 + i * 4));
  const bytesPer = bpp / 8;
  for (let y = 0; y < height; y++) {
    const row = dataStart + (spec.topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      if (bpp <= 8) {
        const bit = x * bpp;
        out[row + (bit >> 3)] |= pixels[y * width + x] << (8 - bpp - (bit & 7));
      } else {
        const p = (y * width + x) * bytesPer;
        const at = row + x * bytesPer;
        out.set([pixels[p + 2], pixels[p + 1], pixels[p]], at);
        if (bpp === 32) out[at + 3] = pixels[p + 3];
      }
    }
  }
  return out;
}
