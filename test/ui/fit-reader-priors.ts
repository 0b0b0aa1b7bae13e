// Fits the number reader's priors (src/ui/unit-readings.ts PRIORS) and its "?" threshold
// (UNCERTAIN_BELOW in src/ui/numbers/read-number.ts) on generated number photos made from
// MNIST's TRAINING digits (test/ui/number-photos.ts, seeds 1001-1200, and touching pairs of
// every class), never the test digits the reader is measured on: the last 6000 of them,
// which the shipped model held out for validation (it was trained with a validation split
// of 0.1, Keras's last fraction), so that the model is no surer of them than of digits it
// has never seen (on the digits it was trained on it misreads almost nothing, and priors
// fitted there trust it too far; the number reader's model was fine-tuned only on pieces of
// the other 54,000). Every photo is segmented and classified once as the page does it (the
// shipped model's digits, the number reader's model's "not one digit"); then a coordinate search scales one value at a time and keeps a change that
// reads more numbers exactly, a misreading with no "?" counting as twelve lost. Prints the
// values found and the score before and after.
// Run: npx tsx test/ui/fit-reader-priors.ts   (about 3 minutes on two shared cores)
import { parseImages, parseLabels } from '../../src/data/idx.ts';
import { mnistDataDir, readMnistFile } from '../../src/data/mnist-node.ts';
import { MNIST_FILES } from '../../src/data/mnist.ts';
import { SIDE } from '../../src/ui/mnist-style.ts';
import { readNumber, UNCERTAIN_BELOW } from '../../src/ui/numbers/read-number.ts';
import { type GrayImage, segmentDigits, type Segmentation } from '../../src/ui/segment.ts';
import { PRIORS, type ReadingPriors } from '../../src/ui/unit-readings.ts';
import { numberPhoto, touchingPair } from './number-photos.ts';
import { readerClassifier } from './shipped-classifier.ts';

/** A misreading with no "?" costs this many exact readings. */
const UNMARKED_COST = 12;
const SEEDS = Array.from({ length: 200 }, (_, k) => 1001 + k);
/** The training digits the shipped model did not train on: its validation split. */
const HELD_OUT_FROM = 54000;
const STEPS = [0.5, 0.7, 0.85, 1.15, 1.4, 2];

interface Read {
  truth: string;
  segmentation: Segmentation;
  probabilities: Float32Array;
}

type Knobs = ReadingPriors & { threshold: number };

const dir = mnistDataDir();
const images = parseImages(await readMnistFile(dir, MNIST_FILES.trainImages), MNIST_FILES.trainImages);
const labels = parseLabels(await readMnistFile(dir, MNIST_FILES.trainLabels), MNIST_FILES.trainLabels);
const source = { images: images.pixels.subarray(HELD_OUT_FROM * SIDE * SIDE), labels: labels.subarray(HELD_OUT_FROM) };
const { classify } = await readerClassifier();

async function classified(truth: string, image: GrayImage): Promise<Read> {
  const segmentation = segmentDigits(image);
  const fields = new Uint8Array(segmentation.candidates.length * SIDE * SIDE); // (N, 28, 28)
  segmentation.candidates.forEach((c, i) => fields.set(c.pixels, i * SIDE * SIDE));
  return { truth, segmentation, probabilities: await classify(fields, segmentation.candidates.length) };
}

const reads: Read[] = [];
for (const seed of SEEDS) {
  const p = numberPhoto(seed, source);
  reads.push(await classified(p.text, { width: p.width, height: p.height, data: p.gray }));
}
const firstOf = (d: number) => source.labels.indexOf(d);
for (let d = 0; d < 10; d++) {
  for (const [a, b] of [[firstOf(d), firstOf(5)], [firstOf(3), firstOf(d)]]) {
    const pair = touchingPair(source, a, b);
    reads.push(await classified(`${source.labels[a]}${source.labels[b]}`, { width: pair.width, height: pair.height, data: pair.gray }));
  }
}

function tally(k: Knobs): { exact: number; marked: number; unmarked: number; score: number } {
  let [exact, marked, unmarked] = [0, 0, 0];
  for (const r of reads) {
    const reading = readNumber(r.segmentation, r.probabilities, { priors: k, threshold: k.threshold });
    if (reading.text === r.truth) exact++;
    else if (reading.uncertain) marked++;
    else unmarked++;
  }
  return { exact, marked, unmarked, score: exact - UNMARKED_COST * unmarked };
}

let best: Knobs = { ...PRIORS, threshold: UNCERTAIN_BELOW };
const before = tally(best);
let score = before.score;
for (let improved = true; improved; ) {
  improved = false;
  for (const key of Object.keys(best) as (keyof Knobs)[]) {
    for (const step of STEPS) {
      const value = best[key] * step;
      if (key === 'threshold' && value >= 1) continue;
      const s = tally({ ...best, [key]: value }).score;
      if (s > score) [best, score, improved] = [{ ...best, [key]: value }, s, true];
    }
  }
}
console.log(`${reads.length} numbers, before:`, before, 'after:', tally(best));
console.log(JSON.stringify(best, (_, v) => (typeof v === 'number' ? Number(v.toPrecision(3)) : v), 2));
