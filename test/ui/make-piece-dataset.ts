// Makes the number reader's piece dataset: the 28x28 fields the reader's segmentation cuts
// out of generated number photos (number-photos.ts), each labelled with the digit it holds
// (0-9) or 10, "not one digit" (a fragment of a digit, two digits together, a digit with
// much of its neighbour), for training the reader's model (public/trained/number-reader/,
// see its README). The photos are made from the first 54,000 MNIST training digits (those
// the shipped model trained on; the last 6,000, its validation split, stay for fitting the
// reader's priors, test/ui/fit-reader-priors.ts, and the test digits for measuring it).
// A piece is labelled by its ink box against the digits' boxes: a digit's when it lies in
// that digit's box and covers most of it and little of any other; "not one digit" when it
// covers much of two boxes, or lies in one box and covers little of it; otherwise it is
// left out (ambiguous). Also adds clean MNIST digits, so that single digits drawn as MNIST's
// stay read as before. Writes a Keras .npz (x_train, y_train, x_test, y_test).
// Run: npx tsx test/ui/make-piece-dataset.ts OUT.npz [photos] [clean]   (defaults 1,500 and 15,000: about 2 minutes)
import { writeFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { parseImages, parseLabels } from '../../src/data/idx.ts';
import { mnistDataDir, readMnistFile } from '../../src/data/mnist-node.ts';
import { MNIST_FILES } from '../../src/data/mnist.ts';
import { Rng } from '../../src/model/rng.ts';
import { SIDE } from '../../src/ui/mnist-style.ts';
import { type DigitBox, segmentDigits } from '../../src/ui/segment.ts';
import { npy } from '../data/npy-fixture.ts';
import { numberPhoto, touchingPair } from './number-photos.ts';

export const NOT_ONE_DIGIT = 10;
/** The training digits the shipped model trained on (the rest were its validation split). */
const TRAINED_ON = 54000;
/** A piece is a digit's when this share of its box lies in the digit's box (made around the turned bitmap)... */
const INSIDE = 0.8;
/** ...it covers this share of the digit's unturned bitmap (centred in that box) in height and in width... */
const COVERS_HEIGHT = 0.8;
const COVERS_WIDTH = 0.65;
/** ...and at most this share of any other digit's box. */
const STRAY = 0.2;
/** A piece covering less of the one bitmap it lies in than this in height or width is a fragment... */
const FRAGMENT_HEIGHT = 0.6;
const FRAGMENT_WIDTH = 0.5;
/** A fragment as tall as its digit and at most this wide for its height is a stroke (it looks like a 1). */
const STROKE = 0.4;
/** ...and one covering this much of two boxes is two digits. */
const BOTH = 0.3;
/** At most this share of the pieces are "not one digit" (the rest of them are left out). */
const MOST_NOT_ONE = 0.4;
/** The share of the pieces kept for testing. */
const TEST_SHARE = 0.05;

function overlap(a: DigitBox, b: DigitBox): { w: number; h: number } {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? { w, h } : { w: 0, h: 0 };
}

/** The unturned bitmap of a digit whose bitmap turned by `angle` degrees has the box `b`, centred in it. */
export function unturned(b: DigitBox, angle: number): DigitBox {
  const [c, s] = [Math.cos((angle * Math.PI) / 180), Math.abs(Math.sin((angle * Math.PI) / 180))];
  const d = c * c - s * s;
  const w = Math.max(1, (b.width * c - b.height * s) / d);
  const h = Math.max(1, (b.height * c - b.width * s) / d);
  return { x: b.x + (b.width - w) / 2, y: b.y + (b.height - h) / 2, width: w, height: h };
}

/** The label of a piece with box `c` among the digits `truth` (their boxes around the bitmaps turned by `angle` degrees, and classes); null when ambiguous. */
export function pieceLabel(c: DigitBox, truth: { box: DigitBox; digit: number }[], angle = 0): number | null {
  const shares = truth.map((t) => {
    const o = overlap(c, t.box);
    const bitmap = unturned(t.box, angle);
    const ob = overlap(c, bitmap);
    return { digit: t.digit, inside: (o.w * o.h) / (c.width * c.height), covers: (o.w * o.h) / (t.box.width * t.box.height), height: ob.h / bitmap.height, width: ob.w / bitmap.width };
  });
  const [best, second] = [...shares].sort((a, b) => b.covers - a.covers);
  if (second && second.covers >= BOTH && best.covers >= BOTH) return NOT_ONE_DIGIT;
  if (best.inside < INSIDE) return null;
  if (best.height >= COVERS_HEIGHT && best.width >= COVERS_WIDTH && (!second || second.covers <= STRAY)) return best.digit;
  // a stroke cut off a digit looks like a 1: left out rather than taught as "not one digit"
  if (best.height >= COVERS_HEIGHT && c.width <= STROKE * c.height) return null;
  if (best.height < FRAGMENT_HEIGHT || best.width < FRAGMENT_WIDTH) return NOT_ONE_DIGIT;
  return null;
}

const isMain = process.argv[1]?.endsWith('make-piece-dataset.ts');
if (isMain) {
  const [out, photoCount = '1500', cleanCount = '15000'] = process.argv.slice(2);
  if (!out) throw new Error('usage: npx tsx test/ui/make-piece-dataset.ts OUT.npz [photos] [clean]');
  const dir = mnistDataDir();
  const images = parseImages(await readMnistFile(dir, MNIST_FILES.trainImages), MNIST_FILES.trainImages);
  const labels = parseLabels(await readMnistFile(dir, MNIST_FILES.trainLabels), MNIST_FILES.trainLabels);
  const source = { images: images.pixels.subarray(0, TRAINED_ON * SIDE * SIDE), labels: labels.subarray(0, TRAINED_ON) };
  const fields: Uint8Array[] = [];
  const classes: number[] = [];
  let left = 0;
  const add = (pixels: Uint8Array, label: number | null) => {
    if (label === null) left++;
    else {
      fields.push(pixels);
      classes.push(label);
    }
  };
  const started = Date.now();
  for (let k = 0; k < Number(photoCount); k++) {
    const p = numberPhoto(500001 + k, source);
    const s = segmentDigits({ width: p.width, height: p.height, data: p.gray });
    const digits = p.text.replace(' ', '');
    const truth = p.boxes.map((box, i) => ({ box, digit: Number(digits[i]) }));
    for (const c of s.candidates) add(c.pixels, pieceLabel(c.box, truth, p.angle));
    if (k % 250 === 0) console.log(`${k} photos, ${fields.length} pieces, ${left} left out, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  // touching pairs: two digits as one, and the cuts through them
  const r = new Rng(77);
  for (let k = 0; k < Number(photoCount) / 2; k++) {
    const [a, b] = [r.nextInt(TRAINED_ON), r.nextInt(TRAINED_ON)];
    const pair = touchingPair(source, a, b, 2 + 2 * r.nextFloat(), 1 + r.nextInt(3));
    const s = segmentDigits({ width: pair.width, height: pair.height, data: pair.gray });
    const boxes = pair.coverage.map((cov) => inkBox(cov, pair.width, pair.height));
    const truth = boxes.map((box, i) => ({ box, digit: source.labels[[a, b][i]] }));
    for (const c of s.candidates) add(c.pixels, pieceLabel(c.box, truth));
  }
  for (let k = 0; k < Number(cleanCount); k++) {
    const i = r.nextInt(TRAINED_ON);
    add(source.images.slice(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), source.labels[i]);
  }
  // at most MOST_NOT_ONE of the pieces "not one digit"
  const digitCount = classes.filter((y) => y !== NOT_ONE_DIGIT).length;
  const notOne = [...fields.keys()].filter((i) => classes[i] === NOT_ONE_DIGIT);
  const keepNotOne = Math.min(notOne.length, Math.round((digitCount * MOST_NOT_ONE) / (1 - MOST_NOT_ONE)));
  for (let i = notOne.length - 1; i > 0; i--) {
    const j = r.nextInt(i + 1);
    [notOne[i], notOne[j]] = [notOne[j], notOne[i]];
  }
  const order = [...fields.keys()].filter((i) => classes[i] !== NOT_ONE_DIGIT).concat(notOne.slice(0, keepNotOne));
  left += notOne.length - keepNotOne;
  for (let i = order.length - 1; i > 0; i--) {
    const j = r.nextInt(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const testCount = Math.round(order.length * TEST_SHARE);
  const part = (ids: number[]) => {
    const x = new Uint8Array(ids.length * SIDE * SIDE);
    ids.forEach((id, n) => x.set(fields[id], n * SIDE * SIDE));
    return { x, y: ids.map((id) => classes[id]) };
  };
  const test = part(order.slice(0, testCount));
  const train = part(order.slice(testCount));
  const member = (p: { x: Uint8Array; y: number[] }) => ({ x: npy('|u1', [p.y.length, SIDE, SIDE], Array.from(p.x)), y: npy('|u1', [p.y.length], p.y) });
  const [tr, te] = [member(train), member(test)];
  writeFileSync(out, zipSync({ 'x_train.npy': tr.x, 'y_train.npy': tr.y, 'x_test.npy': te.x, 'y_test.npy': te.y }, { level: 1 }));
  const counts = Array.from({ length: 11 }, (_, c) => order.filter((i) => classes[i] === c).length);
  console.log(`${order.length} pieces (${train.y.length} train, ${test.y.length} test), ${left} ambiguous or surplus left out; per class ${counts.join(' ')}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** The box of the pixels where `coverage` ((h, w), 0..1) is above a third. */
function inkBox(coverage: Float64Array, w: number, h: number): DigitBox {
  let [x0, y0, x1, y1] = [w, h, -1, -1];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (coverage[y * w + x] > 1 / 3) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}
