// Where the number reader's misses on generated number photos come from (number-photos.ts,
// MNIST test digits, seeds 1-80 unless given): per number not read exactly, whether its
// lines came out wrong, whether the chosen pieces match the digits' boxes (then a wrong digit
// is the classifier's, a right one marked "?" is caution), and if not, whether a piece for
// every digit was among the candidates (a wrong choice) or not (a cut, merge or drop that
// lost it). Also counts the numbers that no reader of these fields could read exactly: a
// digit whose clean MNIST original the model misreads or reads under the "?" threshold.
// Prints one line per miss and the tallies.
// Run: npx tsx test/ui/reader-misses.ts [first] [last]
import { parseImages, parseLabels } from '../../src/data/idx.ts';
import { mnistDataDir, readMnistFile } from '../../src/data/mnist-node.ts';
import { MNIST_FILES } from '../../src/data/mnist.ts';
import type { DigitBox } from '../../src/ui/segment.ts';
import { UNCERTAIN_BELOW } from '../../src/ui/numbers/read-number.ts';
import { readPicture } from '../../src/ui/numbers/read-picture.ts';
import { SIDE } from '../../src/ui/mnist-style.ts';
import { topClass } from '../../src/ui/unit-readings.ts';
import { numberPhoto } from './number-photos.ts';
import { readerClassifier } from './shipped-classifier.ts';

const [first, last] = [Number(process.argv[2] ?? 1), Number(process.argv[3] ?? 80)];
const modelDir = process.argv[4]; // default: the number reader's model
const dir = mnistDataDir();
const images = parseImages(await readMnistFile(dir, MNIST_FILES.testImages), MNIST_FILES.testImages);
const labels = parseLabels(await readMnistFile(dir, MNIST_FILES.testLabels), MNIST_FILES.testLabels);
const source = { images: images.pixels, labels };
const { classify } = await readerClassifier(modelDir);

/** A piece is a digit's when this much of its box lies in the digit's box (made around the turned bitmap, so larger than its ink)... */
const INSIDE = 0.75;
/** ...and it covers this much of the digit's box. */
const COVERS = 0.35;

/** How well a piece's box `a` matches a digit's box `b`: 1 or more when it does (the lesser of its two shares over their thresholds). */
function matchOf(a: DigitBox, b: DigitBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return Math.min((w * h) / (a.width * a.height) / INSIDE, (w * h) / (b.width * b.height) / COVERS);
}
const MATCH = 1;

/** The digits of the number whose clean MNIST originals the model misreads or reads under the "?" threshold, as "7→2 97%". */
async function hardOriginals(indices: number[]): Promise<string[]> {
  const fields = new Uint8Array(indices.length * SIDE * SIDE); // (N, 28, 28)
  indices.forEach((i, k) => fields.set(images.pixels.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), k * SIDE * SIDE));
  const probabilities = await classify(fields, indices.length);
  const classes = probabilities.length / indices.length;
  return indices.flatMap((i, k) => {
    const row = probabilities.subarray(k * classes, (k + 1) * classes);
    const top = topClass(row);
    return top !== labels[i] || row[top] < UNCERTAIN_BELOW ? [`${labels[i]}→${top} ${(row[top] * 100).toFixed(0)}%`] : [];
  });
}

const tally = new Map<string, number>();
let exact = 0;
let unreadable = 0;
for (let seed = first; seed <= last; seed++) {
  const p = numberPhoto(seed, source);
  const hard = await hardOriginals(p.indices);
  if (hard.length > 0) unreadable++;
  const { segmentation, reading } = await readPicture({ width: p.width, height: p.height, data: p.gray }, classify);
  const text = reading?.text ?? '';
  if (text === p.text) {
    exact++;
    continue;
  }
  const truth = p.text.replace(' ', '');
  const digits = reading?.digits ?? [];
  const found = digits.map((d) => String(d.digit)).join('');
  let cause: string;
  const detail: string[] = [];
  const matched = p.boxes.map((b) => digits.findIndex((d) => matchOf(d.box, b) >= MATCH));
  const segmentedRight = digits.length === p.boxes.length && matched.every((m, i) => m === i);
  if ((reading?.lines.length ?? 0) !== p.lines.length) cause = 'lines';
  else if (segmentedRight) {
    const wrong = digits.filter((d, i) => String(d.digit) !== truth[i]);
    cause = wrong.length > 0 ? 'classifier' : 'caution';
    for (const d of digits) if (d.uncertain || String(d.digit) !== truth[digits.indexOf(d)]) detail.push(`${truth[digits.indexOf(d)]}→${d.digit}(${(d.candidates[0].probability * 100).toFixed(0)}% cuts ${(d.cutConfidence * 100).toFixed(0)}%${d.uncertain ? '?' : ''}${d.alternatives.length ? ' or ' + d.alternatives.join('/') : ''})`);
  } else {
    // a candidate for every digit?
    const best = p.boxes.map((b) => segmentation.candidates.reduce((m, c, i) => (matchOf(c.box, b) > m.v ? { v: matchOf(c.box, b), i } : m), { v: 0, i: -1 }));
    const missing = best.map((b, i) => (b.v < MATCH ? i : -1)).filter((i) => i >= 0);
    cause = missing.length === 0 ? 'choice' : 'no-candidate';
    detail.push(missing.map((i) => `digit ${i + 1} (${truth[i]}) best match ${best[i].v.toFixed(2)}`).join(', '));
  }
  tally.set(cause, (tally.get(cause) ?? 0) + 1);
  console.log(`seed ${seed}: ${p.text} → "${text}" (top ${found}${reading?.uncertain ? ', marked' : ', UNMARKED'}) ${cause} ${detail.join(' ')} touching ${p.touching} broken ${p.broken} angle ${p.angle.toFixed(1)}${hard.length ? `; originals: ${hard.join(', ')}` : ''}`);
}
console.log(`seeds ${first}-${last}: ${exact} exact;`, Object.fromEntries(tally));
console.log(`${unreadable} numbers hold a digit whose clean original the model misreads or reads under ${UNCERTAIN_BELOW * 100}%: at most ${last - first + 1 - unreadable} can read exactly`);
