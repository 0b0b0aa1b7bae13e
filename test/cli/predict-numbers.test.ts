// `npm run predict -- --numbers` without the GPU (predict-numbers.ts): several photos of
// numbers are read with ONE classifier batch holding every photo's candidate digits, each
// reading the same as the page's reader gives for that photo alone, worded as the page words
// it (a stand-in classifier scores the fields); a photo is composited over white and scaled down to the reader's size.
import { describe, expect, it } from 'vitest';
import { numberJson, numberLine, readerPicture, readNumbers } from '../../src/cli/predict-numbers.ts';
import { parseImages, parseLabels } from '../../src/data/idx.ts';
import { mnistDataDir, readMnistFile } from '../../src/data/mnist-node.ts';
import { MNIST_FILES } from '../../src/data/mnist.ts';
import { MAX_SIDE } from '../../src/ui/numbers/image-source.ts';
import { describeReading } from '../../src/ui/numbers/read-number.ts';
import { readPicture } from '../../src/ui/numbers/read-picture.ts';
import { numberPhoto } from '../ui/number-photos.ts';
import type { BatchClassifier } from '../../src/ui/numbers/read-picture.ts';

/** A cheap stand-in for a model that counts its batches: each field's class scores from the ink in ten bands of its rows. */
function bandClassifier(): { classify: BatchClassifier; batches: number[] } {
  const batches: number[] = [];
  const classify: BatchClassifier = async (fields, n) => {
    batches.push(n);
    const out = new Float32Array(n * 10);
    for (let i = 0; i < n; i++) {
      const logits = Array.from({ length: 10 }, (_, c) => {
        let ink = 0;
        for (let p = c * 78; p < (c + 1) * 78; p++) ink += fields[i * 784 + p];
        return ink / 2000;
      });
      const max = Math.max(...logits);
      const sum = logits.reduce((s, l) => s + Math.exp(l - max), 0);
      logits.forEach((l, c) => (out[i * 10 + c] = Math.exp(l - max) / sum));
    }
    return out;
  };
  return { classify, batches };
}

describe('reading numbers for predict --numbers', async () => {
  const dir = mnistDataDir();
  const images = parseImages(await readMnistFile(dir, MNIST_FILES.testImages), MNIST_FILES.testImages);
  const labels = parseLabels(await readMnistFile(dir, MNIST_FILES.testLabels), MNIST_FILES.testLabels);
  const source = { images: images.pixels, labels };

  it('classifies every photo in one batch, each read as the page reads it alone', async () => {
    const photos = [3, 5, 11].map((seed) => numberPhoto(seed, source));
    const blank = { width: 40, height: 30, data: new Uint8ClampedArray(1200).fill(255) };
    const pictures = [...photos.map((p, i) => ({ file: `photo-${i}.png`, picture: { width: p.width, height: p.height, data: p.gray } })), { file: 'blank.png', picture: blank }];
    const counting = bandClassifier();
    const results = await readNumbers(pictures, counting.classify);
    const alone = bandClassifier();
    const expected = await Promise.all(pictures.slice(0, 3).map((p) => readPicture(p.picture, alone.classify)));
    expect(counting.batches).toEqual([alone.batches.reduce((a, b) => a + b, 0)]);
    expect(results.map((r) => r.reading?.text)).toEqual([...expected.map((e) => e.reading!.text), undefined]);
    results.slice(0, 3).forEach((r, i) => {
      expect(r.reading!.confidence).toBeCloseTo(expected[i].reading!.confidence, 6);
      expect(numberLine(r)).toBe(`photo-${i}.png: ${describeReading(expected[i].reading!)}${expected[i].segmentation.inverted ? '' : ' Light ink on a dark ground.'}`);
    });
    expect(numberLine(results[3])).toBe('blank.png: No digits found.');
    const json = numberJson(results[0]);
    expect(json).toMatchObject({ file: 'photo-0.png', reading: expected[0].reading!.text, confidence: expected[0].reading!.confidence });
    expect(json.digits).toHaveLength(expected[0].reading!.digits.length);
    expect(numberJson(results[3])).toEqual({ file: 'blank.png', reading: '', confidence: null, digits: [] });
  });

  it('draws a photo over white, scaled down to the reader’s size', () => {
    // 2400x10 RGBA: a transparent half (paper) and an opaque black half (ink).
    const width = 2400;
    const data = new Uint8Array(width * 10 * 4);
    for (let p = 0; p < width * 10; p++) data[p * 4 + 3] = p % width < width / 2 ? 0 : 255;
    const picture = readerPicture({ width, height: 10, channels: 4, data });
    expect([picture.width, picture.height]).toEqual([MAX_SIDE, 5]);
    expect(picture.data[0]).toBe(255);
    expect(picture.data[MAX_SIDE - 1]).toBe(0);
  });
});
