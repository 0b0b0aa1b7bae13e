// `npm run predict -- --numbers`: whole handwritten numbers read out of photos by the page's
// number reader (src/ui/numbers/read-picture.ts: segmentation, one batch of candidate digits,
// the reading chosen from their probabilities), every picture's candidates classified
// together in ONE batch by the caller's classifier. Each photo is composited over white and
// scaled down to the reader's size, as the page draws it. Pure but for the classifier.
import { COLOR_MODE_CHANNELS, toColorMode } from '../data/images/color-mode.ts';
import type { DecodedImage } from '../data/images/decoded-image.ts';
import { resizeBilinear } from '../data/images/resize-bilinear.ts';
import { resolve } from 'node:path';
import type { ModelInfo } from '../model/model-info.ts';
import { fittedSize } from '../ui/numbers/image-source.ts';
import { describeReading, type NumberReading } from '../ui/numbers/read-number.ts';
import { readPicture, TooManyMarksError, type BatchClassifier, type PictureReading } from '../ui/numbers/read-picture.ts';
import { grayscaleFromRgba, type GrayImage } from '../ui/segment.ts';
import { DIGITS, MNIST_FIELD } from '../ui/mnist-style.ts';

/**
 * Why `model` cannot read digits (null when it can): the reader's fields are 28x28x1 and its
 * answers the digits 0-9 (and, from a number reader's model, "not one digit" after them).
 */
export function digitModelProblem(model: ModelInfo): string | null {
  const [h, w, c] = model.inputShape;
  if (h === MNIST_FIELD.height && w === MNIST_FIELD.width && c === 1 && (model.classes === DIGITS || model.classes === DIGITS + 1)) return null;
  return `the number reader needs a ${DIGITS}-class ${MNIST_FIELD.height}x${MNIST_FIELD.width}x1 digit model; this one takes ${h}x${w}x${c} and has ${model.classes} classes`;
}

/** The number reader's model as the repository ships it for the page (public/trained/number-reader/). */
export const READER_MODEL_FILE = resolve(import.meta.dirname, '../../public/trained/number-reader/model.json');

/** A photo as the reader's grayscale picture: over white, its longer side at most the reader's. */
export function readerPicture(image: DecodedImage): GrayImage {
  const rgba = toColorMode(image, 'rgba');
  const { width, height } = fittedSize(image.width, image.height);
  const scaled = resizeBilinear(rgba, { inHeight: image.height, inWidth: image.width, channels: COLOR_MODE_CHANNELS.rgba, outHeight: height, outWidth: width });
  return grayscaleFromRgba(scaled, width, height);
}

/** One photo's reading, or why there is none (no digits, too many marks). */
export interface NumberResult {
  file: string;
  reading: PictureReading['reading'];
  /** Light ink on a dark ground (the page says so). */
  lightInk: boolean;
  /** A photo the reader refused (too many marks), in the page's words. */
  problem: string | null;
}

interface Request {
  images: Uint8Array;
  n: number;
  resolve(p: Float32Array): void;
  reject(e: unknown): void;
}

/**
 * Reads the number in each picture. The reader asks for its candidates' probabilities as soon
 * as it has segmented a picture; the requests of all pictures are gathered and `classify` is
 * called once with all of their fields.
 */
export async function readNumbers(pictures: { file: string; picture: GrayImage }[], classify: BatchClassifier): Promise<NumberResult[]> {
  const requests: Request[] = [];
  // Each readPicture segments at once and then waits for its classifier: every request is in before the batch runs.
  const gather: BatchClassifier = (images, n) => new Promise((resolve, reject) => requests.push({ images, n, resolve, reject }));
  const readings = pictures.map((p) => readPicture(p.picture, gather).then((r) => ({ ok: true as const, r }), (e: unknown) => ({ ok: false as const, e })));
  if (requests.length > 0) {
    const total = requests.reduce((s, q) => s + q.n, 0);
    const fields = new Uint8Array(requests.reduce((s, q) => s + q.images.length, 0));
    let at = 0;
    for (const q of requests) {
      fields.set(q.images, at);
      at += q.images.length;
    }
    try {
      const probabilities = await classify(fields, total);
      const classes = probabilities.length / total;
      let first = 0;
      for (const q of requests) {
        q.resolve(probabilities.slice(first * classes, (first + q.n) * classes));
        first += q.n;
      }
    } catch (e) {
      for (const q of requests) q.reject(e);
      await Promise.all(readings);
      throw e;
    }
  }
  const results: NumberResult[] = [];
  for (const [i, settled] of (await Promise.all(readings)).entries()) {
    const { file } = pictures[i];
    if (settled.ok) results.push({ file, reading: settled.r.reading, lightInk: !settled.r.segmentation.inverted, problem: null });
    else if (settled.e instanceof TooManyMarksError) results.push({ file, reading: null, lightInk: false, problem: settled.e.message });
    else throw settled.e;
  }
  return results;
}

/** "FILE: Read 42 · 97% sure." as the page words a reading (or "No digits found."). */
export function numberLine(r: NumberResult): string {
  if (r.problem) return `${r.file}: ${r.problem}`;
  if (!r.reading) return `${r.file}: No digits found.`;
  return `${r.file}: ${describeReading(r.reading)}${r.lightInk ? ' Light ink on a dark ground.' : ''}`;
}

/** What --json --numbers prints per picture. */
export function numberJson(r: NumberResult): { file: string; reading: string | null; confidence: number | null; digits: object[]; problem?: string } {
  const reading: NumberReading | null = r.reading;
  return {
    file: r.file,
    reading: reading ? reading.text : r.problem ? null : '',
    confidence: reading ? reading.confidence : null,
    digits: (reading?.digits ?? []).map((d) => ({
      digit: d.digit,
      confidence: d.confidence,
      uncertain: d.uncertain,
      candidates: d.candidates,
      alternatives: d.alternatives,
      line: d.line,
      box: d.box,
    })),
    ...(r.problem ? { problem: r.problem } : {}),
  };
}
