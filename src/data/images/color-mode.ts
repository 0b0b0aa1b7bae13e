// A decoded picture in the channels a dataset asks for, as Keras's color_mode gives them:
// 'grayscale' (1), 'rgb' (3), 'rgba' (4). Gray becomes three equal channels (and alpha 255),
// alpha is dropped where it is not wanted, and RGB becomes gray as tf.image.rgb_to_grayscale
// computes it: in float32, x = byte * (1/255), gray = 0.2989 r + 0.5870 g + 0.1140 b, back to a
// byte as convert_image_dtype does (truncating gray * 255.5). Browser-safe.
import type { DecodedImage } from './decoded-image.ts';

export type ColorMode = 'grayscale' | 'rgb' | 'rgba';

export const COLOR_MODES: readonly ColorMode[] = ['grayscale', 'rgb', 'rgba'];

export const COLOR_MODE_CHANNELS: Record<ColorMode, 1 | 3 | 4> = { grayscale: 1, rgb: 3, rgba: 4 };

/** The colour mode of a model input with `channels` channels (1, 3 or 4), else null. */
export function colorModeOfChannels(channels: number): ColorMode | null {
  return COLOR_MODES.find((m) => COLOR_MODE_CHANNELS[m] === channels) ?? null;
}

/** tf.image.rgb_to_grayscale's weights, in float32. */
const LUMA_WEIGHTS = [0.2989, 0.587, 0.114].map(Math.fround);

/** LUMA_TABLES[c][v] = float32(float32(v * float32(1/255)) * weight c). */
const LUMA_TABLES = LUMA_WEIGHTS.map((w) => {
  const inv = Math.fround(1 / 255);
  return Float32Array.from({ length: 256 }, (_, v) => Math.fround(Math.fround(v * inv) * w));
});

/** tf.image.rgb_to_grayscale of one uint8 pixel. */
export function lumaByte(r: number, g: number, b: number): number {
  const gray = Math.fround(Math.fround(LUMA_TABLES[0][r] + LUMA_TABLES[1][g]) + LUMA_TABLES[2][b]);
  return Math.min(255, Math.trunc(Math.fround(gray * 255.5)));
}

/** (height, width, channels of `mode`) bytes of `image`. */
export function toColorMode(image: DecodedImage, mode: ColorMode): Uint8Array {
  const { width, height, channels: from, data } = image;
  const to = COLOR_MODE_CHANNELS[mode];
  const pixels = width * height;
  if (from === to) return data;
  const out = new Uint8Array(pixels * to);
  const gray = from <= 2;
  for (let p = 0; p < pixels; p++) {
    const s = p * from;
    const d = p * to;
    const r = data[s];
    const g = gray ? r : data[s + 1];
    const b = gray ? r : data[s + 2];
    const alpha = from === 2 ? data[s + 1] : from === 4 ? data[s + 3] : 255;
    if (to === 1) out[d] = gray ? r : lumaByte(r, g, b);
    else {
      out[d] = r;
      out[d + 1] = g;
      out[d + 2] = b;
      if (to === 4) out[d + 3] = alpha;
    }
  }
  return out;
}
