// The number reader on photo-like pictures made from MNIST test digits (number-photos.ts):
// touching and broken digits, tilted lines, both polarities, shading and grain, one and two
// lines, read through the page's pipeline (read-picture.ts) with the shipped model run by
// the float64 reference forward. Also checks the generator itself: deterministic by seed.
import { describe, expect, it } from 'vitest';
import { parseImages, parseLabels } from '../../src/data/idx.ts';
import { mnistDataDir, readMnistFile } from '../../src/data/mnist-node.ts';
import { MNIST_FILES } from '../../src/data/mnist.ts';
import { describeReading } from '../../src/ui/numbers/read-number.ts';
import { readPicture } from '../../src/ui/numbers/read-picture.ts';
import { numberPhoto } from './number-photos.ts';
import { shippedModelClassifier } from './shipped-classifier.ts';

/** The generated set: seeds 1..SET. */
const SET = 40;
/** The reader this one replaced, on the same set (1 to 40): 14 read exactly, 10 misread with no digit marked "?". */
const BEFORE = { exact: 14, wrongUnmarked: 10 };

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

  it(`reads ${SET} of them, each in one classifier batch, better than the reader it replaced`, async () => {
    const { classify, batches } = await shippedModelClassifier();
    let exact = 0;
    let marked = 0;
    const unmarked: string[] = [];
    for (let seed = 1; seed <= SET; seed++) {
      const p = numberPhoto(seed, source);
      const { reading } = await readPicture({ width: p.width, height: p.height, data: p.gray }, classify);
      const text = reading?.text ?? '';
      if (text === p.text) exact++;
      else if (reading?.uncertain) marked++;
      else unmarked.push(`seed ${seed}: ${p.text} read as "${reading ? describeReading(reading) : 'nothing'}"`);
    }
    console.log(`generated numbers: ${exact}/${SET} read exactly, ${marked} misread with a "?", ${unmarked.length} misread without one (before: ${BEFORE.exact} and ${BEFORE.wrongUnmarked})\n${unmarked.join('\n')}`);
    expect(batches).toHaveLength(SET);
    expect(exact).toBeGreaterThanOrEqual(17);
    expect(exact).toBeGreaterThan(BEFORE.exact);
    expect(unmarked.length).toBeLessThanOrEqual(3);
    expect(unmarked.length).toBeLessThan(BEFORE.wrongUnmarked);
  });
});
