// PNG to a DecodedImage with fast-png (pure JavaScript, Node and browser alike): every colour
// type and bit depth, interlaced or not, CRCs checked. As libpng gives TensorFlow's decode_png
// 8-bit samples: 16-bit samples keep their high byte, 1/2/4-bit gray is scaled to 0..255
// (x 255, 85, 17), a palette is expanded (with its tRNS alphas as a fourth channel), and a tRNS
// colour key of a gray or RGB image becomes an alpha channel (0 where the pixel equals the
// key). Browser-safe.
import { decode as decodePngData, type DecodedPng } from 'fast-png';
import { checkImageSize, ImageDecodeError, type DecodedImage, type ImageChannels } from './decoded-image.ts';

const be32 = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/** Sample k (0-based) of a row of `depth`-bit samples packed from the most significant bit. */
function packedSample(row: Uint8Array, k: number, depth: number): number {
  const bit = k * depth;
  return (row[bit >> 3] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
}

/** Every sample of the image, unpacked (rows of depth < 8 start on a byte), at its own depth. */
function samples(png: DecodedPng, perRow: number): ArrayLike<number> {
  const { data, depth, height } = png;
  if (depth >= 8) {
    if (data.length < perRow * height) throw new ImageDecodeError(`damaged PNG (${data.length} samples for ${perRow * height})`);
    return data;
  }
  const rowBytes = Math.ceil((perRow * depth) / 8);
  if (data.length < rowBytes * height) throw new ImageDecodeError(`damaged PNG (${data.length} bytes of ${depth}-bit samples for ${rowBytes * height})`);
  const out = new Uint8Array(perRow * height);
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * rowBytes, (y + 1) * rowBytes) as Uint8Array;
    for (let k = 0; k < perRow; k++) out[y * perRow + k] = packedSample(row, k, depth);
  }
  return out;
}

/** A sample of `depth` bits as 8 bits (libpng's strip of 16-bit samples keeps the high byte). */
function to8(v: number, depth: number): number {
  if (depth === 16) return v >> 8;
  if (depth === 8) return v;
  return (v * 255) / ((1 << depth) - 1);
}

function expandPalette(png: DecodedPng, indices: ArrayLike<number>): DecodedImage {
  const palette = png.palette!;
  const channels: ImageChannels = palette.some((c) => c.length === 4) ? 4 : 3;
  const data = new Uint8Array(indices.length * channels);
  for (let i = 0; i < indices.length; i++) {
    const color = palette[indices[i]];
    if (!color) throw new ImageDecodeError(`damaged PNG (palette index ${indices[i]}, the palette has ${palette.length} colours)`);
    for (let c = 0; c < channels; c++) data[i * channels + c] = c < color.length ? color[c] : 255;
  }
  return { width: png.width, height: png.height, channels, data };
}

/** Decodes a PNG file's bytes; throws ImageDecodeError for a damaged or unsupported one. */
export function decodePng(bytes: Uint8Array): DecodedImage {
  if (bytes.length < 33) throw new ImageDecodeError(`truncated PNG (${bytes.length} bytes)`);
  checkImageSize('PNG', be32(bytes, 16), be32(bytes, 20));
  let png: DecodedPng;
  try {
    png = decodePngData(bytes, { checkCrc: true });
  } catch (e) {
    throw new ImageDecodeError(`damaged PNG (${e instanceof Error ? e.message : String(e)})`);
  }
  const { width, height, depth } = png;
  const sourceChannels = png.channels;
  if (sourceChannels < 1 || sourceChannels > 4) throw new ImageDecodeError(`PNG with ${sourceChannels} channels`);
  const raw = samples(png, width * sourceChannels);
  if (png.palette && png.palette.length > 0) return expandPalette(png, raw);
  const key = png.transparency && png.transparency.length === sourceChannels && (sourceChannels === 1 || sourceChannels === 3) ? png.transparency : null;
  const channels = (sourceChannels + (key ? 1 : 0)) as ImageChannels;
  const data = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    let isKey = key !== null;
    for (let c = 0; c < sourceChannels; c++) {
      const v = raw[p * sourceChannels + c];
      data[p * channels + c] = to8(v, depth);
      if (key && v !== key[c]) isKey = false;
    }
    if (key) data[p * channels + sourceChannels] = isKey ? 0 : 255;
  }
  return { width, height, channels, data };
}
