// BMP to a DecodedImage: the uncompressed Windows bitmaps (BITMAPCOREHEADER, BITMAPINFOHEADER
// and its V2-V5 successors): 1, 4 and 8 bits per pixel through the palette, 16 and 32 bits
// through their channel masks (BI_BITFIELDS, or the defaults 5-5-5 and 8-8-8-8), 24 bits BGR;
// bottom-up or top-down rows padded to 4 bytes. 32-bit pixels keep their fourth byte as alpha,
// as TensorFlow's decode_bmp does; the others have none. RLE-compressed files are refused.
// Browser-safe.
import { checkImageSize, ImageDecodeError, type DecodedImage } from './decoded-image.ts';

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
const FILE_HEADER_BYTES = 14;

interface Header {
  width: number;
  height: number;
  topDown: boolean;
  bitsPerPixel: number;
  compression: number;
  /** Bytes of the DIB header (12 for OS/2 core headers, 40 and more for Windows ones). */
  size: number;
  colorsUsed: number;
  /** Red, green, blue, alpha masks (alpha 0: none). */
  masks: [number, number, number, number];
}

function readHeader(b: Uint8Array, view: DataView): Header {
  const size = view.getUint32(FILE_HEADER_BYTES, true);
  if (size === 12) {
    return { width: view.getUint16(18, true), height: view.getUint16(20, true), topDown: false, bitsPerPixel: view.getUint16(24, true), compression: BI_RGB, size, colorsUsed: 0, masks: [0, 0, 0, 0] };
  }
  if (size < 40 || FILE_HEADER_BYTES + size > b.length) throw new ImageDecodeError(`BMP with a ${size}-byte header`);
  const rawHeight = view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  let masks: Header['masks'] = bitsPerPixel === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0xff0000, 0x00ff00, 0x0000ff, bitsPerPixel === 32 ? 0xff000000 : 0];
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    // Masks follow a 40-byte header, or sit inside a larger one at the same offset.
    const count = compression === BI_ALPHABITFIELDS || size >= 56 ? 4 : 3;
    if (54 + count * 4 > b.length) throw new ImageDecodeError('truncated BMP (no channel masks)');
    const m = (i: number) => view.getUint32(54 + i * 4, true);
    masks = [m(0), m(1), m(2), count === 4 ? m(3) : 0];
  }
  return { width: view.getInt32(18, true), height: Math.abs(rawHeight), topDown: rawHeight < 0, bitsPerPixel, compression, size, colorsUsed: view.getUint32(46, true), masks };
}

/** A channel of a masked pixel as 8 bits (0 when the mask is empty). */
function maskedChannel(pixel: number, mask: number): number {
  if (mask === 0) return 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return Math.round((((pixel & mask) >>> shift) * 255) / max);
}

function readPalette(b: Uint8Array, h: Header): Uint8Array[] {
  const entryBytes = h.size === 12 ? 3 : 4;
  const start = FILE_HEADER_BYTES + h.size + (h.compression === BI_BITFIELDS && h.size === 40 ? 12 : 0);
  const count = h.colorsUsed || 1 << h.bitsPerPixel;
  if (count > 1 << h.bitsPerPixel || start + count * entryBytes > b.length) throw new ImageDecodeError(`damaged BMP (a palette of ${count} colours does not fit)`);
  return Array.from({ length: count }, (_, i) => {
    const at = start + i * entryBytes;
    return Uint8Array.of(b[at + 2], b[at + 1], b[at]);
  });
}

/** Decodes a BMP file's bytes; throws ImageDecodeError for a damaged or unsupported one. */
export function decodeBmp(b: Uint8Array): DecodedImage {
  if (b.length < FILE_HEADER_BYTES + 12 || b[0] !== 0x42 || b[1] !== 0x4d) throw new ImageDecodeError('not a BMP file');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const h = readHeader(b, view);
  const { width, height, bitsPerPixel: bpp } = h;
  checkImageSize('BMP', width, height);
  if (h.compression !== BI_RGB && !(h.compression === BI_BITFIELDS && (bpp === 16 || bpp === 32)) && !(h.compression === BI_ALPHABITFIELDS && bpp === 32)) {
    throw new ImageDecodeError(`compressed BMP (compression ${h.compression}, ${bpp} bits per pixel): only uncompressed bitmaps are read`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new ImageDecodeError(`BMP with ${bpp} bits per pixel`);
  const dataStart = view.getUint32(10, true);
  const rowBytes = Math.ceil((width * bpp) / 32) * 4;
  if (dataStart + rowBytes * height > b.length) throw new ImageDecodeError(`truncated BMP (${b.length} bytes, its pixels need ${dataStart + rowBytes * height})`);
  const palette = bpp <= 8 ? readPalette(b, h) : null;
  const alpha = bpp === 32 && h.masks[3] !== 0;
  const channels = alpha ? 4 : 3;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = dataStart + (h.topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * channels;
      if (palette) {
        const bit = x * bpp;
        const index = (b[row + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const color = palette[index];
        if (!color) throw new ImageDecodeError(`damaged BMP (palette index ${index}, the palette has ${palette.length} colours)`);
        data.set(color, out);
      } else if (bpp === 24) {
        const at = row + x * 3;
        data[out] = b[at + 2];
        data[out + 1] = b[at + 1];
        data[out + 2] = b[at];
      } else {
        const pixel = bpp === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        for (let c = 0; c < channels; c++) data[out + c] = maskedChannel(pixel, h.masks[c]);
      }
    }
  }
  return { width, height, channels, data };
}
