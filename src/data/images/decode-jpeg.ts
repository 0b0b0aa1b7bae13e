// JPEG to a DecodedImage (RGB) with jpeg-js (pure JavaScript, Node and browser alike): baseline
// and progressive, gray (given as three equal channels), YCbCr, Adobe CMYK. For YCbCr files
// (JFIF, most photographs) jpeg-js only decodes the planes; their chroma upsampling and the
// conversion to RGB are libjpeg-turbo's (jpeg-color.ts), as TensorFlow's decode_jpeg gives
// them. What remains different is the inverse DCT's rounding (a level or two):
// test/data/images/decode-jpeg.test.ts measures it against libjpeg-turbo. Browser-safe.
import jpegJs from 'jpeg-js';
import { ImageDecodeError, MAX_IMAGE_PIXELS, type DecodedImage } from './decoded-image.ts';
import { upsampleChroma, yccToRgb, type Plane } from './jpeg-color.ts';

/** jpeg-js's own allocation cap: the decoded RGB image and its component planes. */
const MAX_MEMORY_MB = Math.ceil((MAX_IMAGE_PIXELS * 8) / (1024 * 1024));

interface Frame {
  /** Each component's sampling factors. */
  sampling: { h: number; v: number }[];
  /** An Adobe APP14 segment's colour transform, else null. */
  adobeTransform: number | null;
}

/** The frame header's sampling factors (and an Adobe segment's transform), or null where the markers cannot be followed. */
function readFrame(b: Uint8Array): Frame | null {
  let adobeTransform: number | null = null;
  for (let at = 2; at + 4 <= b.length; ) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = (b[at + 2] << 8) | b[at + 3];
    const body = at + 4;
    if (marker === 0xee && length >= 14 && String.fromCharCode(...b.subarray(body, body + 5)) === 'Adobe') adobeTransform = b[body + 11];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const count = b[body + 5];
      if (body + 6 + count * 3 > b.length) return null;
      const sampling = Array.from({ length: count }, (_, i) => ({ h: b[body + 7 + i * 3] >> 4, v: b[body + 7 + i * 3] & 15 }));
      return { sampling, adobeTransform };
    }
    if (marker === 0xda) return null;
    at += 2 + length;
  }
  return null;
}

function jpegJsDecode(bytes: Uint8Array, colorTransform: boolean | undefined): { width: number; height: number; data: Uint8Array } {
  try {
    return jpegJs.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      colorTransform,
      tolerantDecoding: false,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: MAX_MEMORY_MB,
    });
  } catch (e) {
    throw new ImageDecodeError(`damaged or unsupported JPEG (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Component c of jpeg-js's untransformed output at its own sampling (jpeg-js repeats each sample hx x vx times). */
function ownPlane(data: Uint8Array, width: number, height: number, c: number, hx: number, vx: number): Plane {
  const w = Math.ceil(width / hx);
  const h = Math.ceil(height / vx);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = data[(y * vx * width + x * hx) * 3 + c];
  return { width: w, height: h, data: out };
}

/** Decodes a JPEG file's bytes; throws ImageDecodeError for a damaged or unsupported one. */
export function decodeJpeg(bytes: Uint8Array): DecodedImage {
  const frame = readFrame(bytes);
  const ycc = frame !== null && frame.sampling.length === 3 && frame.adobeTransform === null;
  const { width, height, data } = jpegJsDecode(bytes, ycc ? false : undefined);
  if (!(width > 0 && height > 0) || data.length !== width * height * 3) {
    throw new ImageDecodeError(`damaged JPEG (${width}x${height} with ${data.length} bytes of pixels)`);
  }
  if (!ycc) return { width, height, channels: 3, data };
  const hMax = Math.max(...frame.sampling.map((s) => s.h));
  const vMax = Math.max(...frame.sampling.map((s) => s.v));
  const planes = frame.sampling.map(({ h, v }, c) => {
    const hx = hMax / h;
    const vx = vMax / v;
    if (!Number.isInteger(hx) || !Number.isInteger(vx) || hx > 2 || vx > 2 || (c === 0 && hx * vx !== 1)) return null;
    return upsampleChroma(ownPlane(data, width, height, c, hx, vx), hx, vx);
  });
  if (planes.some((p) => p === null)) return { width, height, channels: 3, data: jpegJsDecode(bytes, true).data };
  return { width, height, channels: 3, data: yccToRgb(planes[0]!, planes[1]!, planes[2]!, width, height) };
}
