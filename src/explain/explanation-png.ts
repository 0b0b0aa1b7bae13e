// An explanation drawn as one PNG: the image as the model saw it (grey, or colour for three
// channels), the saliency |d score / d pixel| (largest over channels) as a heat map, and the
// Grad-CAM map over the image in grey, side by side and each scaled up by whole pixels; under
// them a bar per class of its probability, the explained class's bar in orange. The classes
// and probabilities also go into the PNG's text (a "Description" entry: the top classes, the
// explained one and the Grad-CAM layer). Pure: explanation and pixels in, PNG bytes out
// (fast-png), for the command line and the page alike.
import { encode } from 'fast-png';
import type { Explanation } from './explainer.ts';
import type { GradCam } from './grad-cam.ts';

/** What the PNG draws of an explanation (an Explanation, or one decoded from the command line's run). */
export type ExplanationPicture = Pick<Explanation, 'classIndex' | 'probabilities' | 'saliency'> & { gradCam?: Pick<GradCam, 'layer' | 'upsampled'> };
import { heatColor } from './heat-color.ts';

export interface ExplanationImage {
  /** The image as the model saw it (its input) or as bytes: any range, stretched to black .. white. */
  values: ArrayLike<number>;
  shape: readonly [height: number, width: number, channels: number];
}

export interface ExplanationPngOptions {
  /** Screen pixels per image pixel (default: panels about 168 pixels tall). */
  scale?: number;
  /** Names of the classes for the text (default: their numbers). */
  classNames?: readonly string[];
  /** Classes listed in the text (default 3). */
  top?: number;
}

const GAP = 6;
const BAR_STRIP = 48;
const WHITE = 255;
const BAR_GREY: [number, number, number] = [150, 150, 150];
const BAR_CHOSEN: [number, number, number] = [230, 120, 20];
const HEAT_WEIGHT = 0.5; // Grad-CAM overlay: heat colour over the grey image

/** A raster of RGB bytes (what encode takes). */
interface Raster {
  width: number;
  height: number;
  data: Uint8Array;
}

function fill(r: Raster, x0: number, y0: number, w: number, h: number, rgb: readonly number[]): void {
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) r.data.set(rgb, (y * r.width + x) * 3);
}

/** Each value of `v` over `min .. max` stretched to 0 .. 1 (all 0 where the range is empty). */
function stretched(v: ArrayLike<number>, min: number, max: number): Float64Array {
  const span = max - min;
  return Float64Array.from({ length: v.length }, (_, i) => (span > 0 ? (v[i] - min) / span : 0));
}

/** The smallest and largest of `v` ([Infinity, -Infinity] when empty). */
export function valueRange(v: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    min = Math.min(min, v[i]);
    max = Math.max(max, v[i]);
  }
  return [min, max];
}

/** Per pixel: the image's RGB in 0 .. 1 (grey repeated for other than three channels: their mean). */
function imageColours(image: ExplanationImage): Float64Array[] {
  const [h, w, c] = image.shape;
  const [min, max] = valueRange(image.values);
  const t = stretched(image.values, min, max);
  return Array.from({ length: h * w }, (_, p) => {
    if (c === 3) return t.subarray(p * 3, p * 3 + 3);
    let sum = 0;
    for (let k = 0; k < c; k++) sum += t[p * c + k];
    return Float64Array.of(sum / c, sum / c, sum / c);
  });
}

/** Largest |value| over the channels of each pixel. */
function pixelMagnitude(values: Float32Array, pixels: number, channels: number): Float64Array {
  return Float64Array.from({ length: pixels }, (_, p) => {
    let m = 0;
    for (let k = 0; k < channels; k++) m = Math.max(m, Math.abs(values[p * channels + k]));
    return m;
  });
}

/** Draws one panel: `colour(p)` for each image pixel p, scaled by `s` at (x0, y0). */
function panel(r: Raster, x0: number, y0: number, [h, w]: readonly number[], s: number, colour: (p: number) => readonly number[]): void {
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) fill(r, x0 + x * s, y0 + y * s, s, s, colour(y * w + x));
}

/** The PNG's "Description": the top classes with their probabilities, the explained class and the Grad-CAM layer. */
export function explanationText(e: ExplanationPicture, options: ExplanationPngOptions = {}): string {
  const name = (k: number) => options.classNames?.[k] ?? String(k);
  const ranked = Array.from(e.probabilities.keys()).sort((a, b) => e.probabilities[b] - e.probabilities[a]);
  const top = ranked.slice(0, options.top ?? 3).map((k) => `${name(k)} ${(100 * e.probabilities[k]).toFixed(1)}%`);
  const cam = e.gradCam ? `; Grad-CAM on ${e.gradCam.layer}` : '';
  return `top: ${top.join(', ')}; explained: ${name(e.classIndex)}${cam}`;
}

/** The explanation's RGB raster (see the header). */
export function explanationRaster(e: ExplanationPicture, image: ExplanationImage, options: ExplanationPngOptions = {}): Raster {
  const [h, w, c] = image.shape;
  if (image.values.length !== h * w * c || e.saliency.length !== h * w * c) {
    throw new Error(`explanation image: expected ${h} x ${w} x ${c} = ${h * w * c} values of the image and its saliency, got ${image.values.length} and ${e.saliency.length}`);
  }
  const s = options.scale ?? Math.max(1, Math.round(168 / Math.max(h, w)));
  const panels = e.gradCam ? 3 : 2;
  const [pw, ph] = [w * s, h * s];
  const width = panels * pw + (panels + 1) * GAP;
  const height = ph + 2 * GAP + BAR_STRIP;
  const r: Raster = { width, height, data: new Uint8Array(width * height * 3).fill(WHITE) };
  const colours = imageColours(image);
  const byte = (v: number) => Math.round(255 * v);
  panel(r, GAP, GAP, image.shape, s, (p) => Array.from(colours[p], byte));
  const saliency = pixelMagnitude(e.saliency, h * w, c);
  const [, salMax] = valueRange(saliency);
  panel(r, 2 * GAP + pw, GAP, image.shape, s, (p) => heatColor(salMax > 0 ? saliency[p] / salMax : 0));
  if (e.gradCam) {
    const cam = e.gradCam.upsampled;
    const [, camMax] = valueRange(cam);
    panel(r, 3 * GAP + 2 * pw, GAP, image.shape, s, (p) => {
      const heat = heatColor(camMax > 0 ? cam[p] / camMax : 0);
      const grey = (colours[p][0] + colours[p][1] + colours[p][2]) / 3;
      return heat.map((v) => Math.round(HEAT_WEIGHT * v + (1 - HEAT_WEIGHT) * 255 * grey));
    });
  }
  // One bar per class, as tall as its probability.
  const classes = e.probabilities.length;
  const slot = Math.floor((width - 2 * GAP) / classes);
  const barWidth = Math.max(1, slot - 2);
  const base = height - GAP;
  const tallest = BAR_STRIP - GAP;
  for (let k = 0; k < classes; k++) {
    const barHeight = Math.max(1, Math.round(tallest * Math.min(1, Math.max(0, e.probabilities[k]))));
    fill(r, GAP + k * slot + 1, base - barHeight, barWidth, barHeight, k === e.classIndex ? BAR_CHOSEN : BAR_GREY);
  }
  return r;
}

/** The explanation as PNG bytes (see the header). */
export function explanationPng(e: ExplanationPicture, image: ExplanationImage, options: ExplanationPngOptions = {}): Uint8Array {
  const r = explanationRaster(e, image, options);
  return encode({ width: r.width, height: r.height, data: r.data, channels: 3, depth: 8, text: { Description: explanationText(e, options) } });
}
