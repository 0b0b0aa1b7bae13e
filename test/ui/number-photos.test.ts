// The number reader on photo-like pictures made from MNIST test digits (number-photos.ts):
// touching and broken digits, tilted lines, both polarities, shading and grain, one and two
// lines, read through the page's pipeline (read-picture.ts) as the page reads them (the
// shipped model reads the digits, the number reader's model says which pieces are one digit),
// both run by the float64 reference forward: the measured set (seeds 1-40) and a held-out one (41-80).
// Also checks the generator itself: deterministic by seed.
import { describe, expect, it } from 'vitest';
import { parseImages, parseLabels } from '../../src/data/idx.ts';
import { mnistDataDir, readMnistFile } from '../../src/data/mnist-node.ts';
import { MNIST_FILES } from '../../src/data/mnist.ts';
import { describeReading } from '../../src/ui/numbers/read-number.ts';
import { readPicture } from '../../src/ui/numbers/read-picture.ts';
import { numberPhoto } from './number-photos.ts';
import { readerClassifier } from './shipped-classifier.ts';

/** The generated set: seeds 1..SET; the held-out set: seeds SET+1..2*SET (not looked at while the reader's priors were fitted, on photos of MNIST's training digits). */
const SET = 40;
/** What the reader reaches on each set (the least exact readings, the most misreadings with no digit marked "?"). */
const REACHED = {
  measured: { exact: 23, wrongUnmarked: 0 },
  heldOut: { exact: 22, wrongUnmarked: 1 },
};
/** The readers before, on each set: exact readings and misreadings with no digit marked "?". */
const BEFORE = {
  /** Before the number reader's model said which pieces are one digit: 21 and 2; before cheaper-cut doubt, brushing cuts and priors fitted on held-back digits: 21 and 2; before recognition-driven cuts: 14 and 10. */
  measured: { exact: 21, wrongUnmarked: 2 },
  /** Before the number reader's model: 22 and 5; before cheaper-cut doubt, brushing cuts and priors fitted on held-back digits: 22 and 6. */
  heldOut: { exact: 22, wrongUnmarked: 5 },
};

describe('the number reader on generated number photos', async () => {
  const dir = mnistDataDir();
  const images = parseImages(await readMnistFile(dir, MNIST_FILES.testImages), MNIST_FILES.testImages);
  const labels = parseLabels(await readMnistFile(dir, MNIST_FILES.testLabels), MNIST_FILES.testLabels);
  const source = { images: images.pixels, labels };

  it('makes the same picture for the same seed, and varied pictures over seeds', () => {
    const a = numberPhoto(7, source);
    expect(numberPhoto(7, source).gray).toEqual(a.gray);
    expect(numberPhoto(8, source).text).not.toBe(a.text);
    const photos = Array.from({ length: SET }, (_, k) => numberPhoto(k + 1, source));
    const digits = photos.map((p) => p.text.replace(' ', '').length);
    expect(Math.min(...digits)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...digits)).toBeLessThanOrEqual(8);
    expect(photos.filter((p) => p.lines.length === 2).length).toBeGreaterThan(5);
    expect(photos.filter((p) => p.touching > 0).length).toBeGreaterThan(8);
    expect(photos.filter((p) => p.broken > 0).length).toBeGreaterThan(5);
    expect(photos.filter((p) => Math.abs(p.angle) >= 4).length).toBeGreaterThan(10);
    expect(photos.filter((p) => !p.darkInk).length).toBeGreaterThan(10);
  });

  /** Reads seeds first..first+SET-1 through the page's pipeline: exact, misread with a "?", misread without one. */
  async function readSet(first: number, name: string, before: { exact: number; wrongUnmarked: number }) {
    const { classify, batches } = await readerClassifier();
    let exact = 0;
    let marked = 0;
    const unmarked: string[] = [];
    for (let seed = first; seed < first + SET; seed++) {
      const p = numberPhoto(seed, source);
      const { reading } = await readPicture({ width: p.width, height: p.height, data: p.gray }, classify);
      const text = reading?.text ?? '';
      if (text === p.text) exact++;
      else if (reading?.uncertain) marked++;
      else unmarked.push(`seed ${seed}: ${p.text} read as "${reading ? describeReading(reading) : 'nothing'}"`);
    }
    console.log(`${name} (seeds ${first}-${first + SET - 1}): ${exact}/${SET} read exactly, ${marked} misread with a "?", ${unmarked.length} misread without one (before: ${before.exact} and ${before.wrongUnmarked})\n${unmarked.join('\n')}`);
    expect(batches).toHaveLength(SET);
    return { exact, unmarked: unmarked.length };
  }

  it(`reads ${SET} of them, each in one classifier batch, at least as well as the reader before`, async () => {
    const { exact, unmarked } = await readSet(1, 'generated numbers', BEFORE.measured);
    expect(exact).toBeGreaterThanOrEqual(REACHED.measured.exact);
    expect(unmarked).toBeLessThanOrEqual(REACHED.measured.wrongUnmarked);
  });

  it(`reads ${SET} more, held out while its priors were fitted, at least as well as before`, async () => {
    const { exact, unmarked } = await readSet(SET + 1, 'held-out numbers', BEFORE.heldOut);
    expect(exact).toBeGreaterThanOrEqual(REACHED.heldOut.exact);
    expect(unmarked).toBeLessThanOrEqual(REACHED.heldOut.wrongUnmarked);
  });
});
