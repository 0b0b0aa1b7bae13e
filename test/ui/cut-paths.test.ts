// Cuts through touching digits (src/ui/cut-paths.ts) and the choice among them with the
// shipped model (src/ui/unit-readings.ts, read-number.ts): MNIST test digits of every class
// pushed into a fixed partner until their strokes overlap, on the left of a 5 and on the
// right of a 3.
import { describe, expect, it } from 'vitest';
import { parseImages, parseLabels } from '../../src/data/idx.ts';
import { mnistDataDir, readMnistFile } from '../../src/data/mnist-node.ts';
import { MNIST_FILES } from '../../src/data/mnist.ts';
import { labelComponents } from '../../src/ui/components.ts';
import { type CutProposal, proposeCuts } from '../../src/ui/cut-paths.ts';
import { cutColumn, type InkMap, pieceOf } from '../../src/ui/digit-pieces.ts';
import { readPicture } from '../../src/ui/numbers/read-picture.ts';
import { segmentDigits } from '../../src/ui/segment.ts';
import { touchingPair, type TouchingPair } from './number-photos.ts';
import { readerClassifier } from './shipped-classifier.ts';

/** The share of the two digits' own ink (pixels inked by one digit only) that the cut puts on its digit's side. */
function sharedOutRight(pair: TouchingPair, cut: CutProposal): number {
  let right = 0;
  let all = 0;
  const [left, rightInk] = pair.coverage;
  for (let y = 0; y < pair.height; y++) {
    const column = cutColumn(cut.cut, y);
    for (let x = 0; x < pair.width; x++) {
      const i = y * pair.width + x;
      const [l, r] = [left[i] > 0.5, rightInk[i] > 0.5];
      if (l === r) continue;
      all++;
      if ((l && x < column) || (r && x >= column)) right++;
    }
  }
  return right / all;
}

describe('cuts through touching MNIST digits of every class', async () => {
  const dir = mnistDataDir();
  const images = parseImages(await readMnistFile(dir, MNIST_FILES.testImages), MNIST_FILES.testImages);
  const labels = parseLabels(await readMnistFile(dir, MNIST_FILES.testLabels), MNIST_FILES.testLabels);
  const source = { images: images.pixels, labels };
  const firstOf = (digit: number) => labels.indexOf(digit);
  const classes = Array.from({ length: 10 }, (_, d) => d);
  // every class on the left of a 5, and on the right of a 3
  const pairs = [...classes.map((d) => [firstOf(d), firstOf(5)]), ...classes.map((d) => [firstOf(3), firstOf(d)])];
  const name = ([a, b]: number[]) => `${labels[a]}${labels[b]}`;

  it('proposes, for nearly every pair, a cut that puts at least 90% of each digit\'s own ink on its side', () => {
    const best = pairs.map((p) => {
      const pair = touchingPair(source, p[0], p[1]);
      const s = segmentDigits({ width: pair.width, height: pair.height, data: pair.gray });
      expect(s.lines, name(p)).toHaveLength(1);
      expect(s.lines[0].units, `${name(p)} is one unit`).toHaveLength(1);
      const [unit] = s.lines[0].units;
      expect(unit.wide, name(p)).toBe(true);
      return Math.max(...unit.cuts.map((c) => sharedOutRight(pair, c)));
    });
    console.log(`best cut per pair: ${pairs.map((p, i) => `${name(p)} ${best[i].toFixed(2)}`).join(', ')}`);
    expect(best.filter((b) => b >= 0.9).length).toBeGreaterThanOrEqual(17);
    expect(Math.min(...best)).toBeGreaterThanOrEqual(0.8);
  });

  it('chooses the cut with the model: most pairs read exactly, in one batch each, none misread without a "?"', async () => {
    const { classify, batches } = await readerClassifier();
    const results: string[] = [];
    let exact = 0;
    let unmarked = 0;
    for (const p of pairs) {
      const pair = touchingPair(source, p[0], p[1]);
      const { reading } = await readPicture({ width: pair.width, height: pair.height, data: pair.gray }, classify);
      const text = reading!.text;
      results.push(`${name(p)}→${text}`);
      if (text === name(p)) exact++;
      else if (!reading!.uncertain) unmarked++;
      // a component that may be two digits is never 100% sure of its cuts
      for (const d of reading!.digits) expect(d.cutConfidence).toBeLessThan(1);
    }
    console.log(`touching pairs: ${exact}/${pairs.length} read exactly, ${unmarked} misread without a "?" (${results.join(' ')})`);
    expect(batches).toHaveLength(pairs.length);
    expect(exact).toBeGreaterThanOrEqual(14);
    expect(unmarked).toBe(0);
  });
});

describe('how many strokes a cut crosses', () => {
  /** Proposes cuts through the one component of a (h, w) mask drawn by `ink(x, y)`. */
  function cutsOf(w: number, h: number, ink: (x: number, y: number) => boolean): CutProposal[] {
    const mask = new Uint8Array(w * h); // (h, w)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) mask[y * w + x] = ink(x, y) ? 1 : 0;
    const { labels, components } = labelComponents(mask, w, h);
    expect(components).toHaveLength(1);
    const map: InkMap = { width: w, height: h, ink: Float64Array.from(mask, (v) => 255 * v), labels, member: new Uint8Array(2) };
    return proposeCuts(map, pieceOf(components[0]), { digitHeight: h });
  }
  const ring = (cx: number, x: number, y: number) => Math.abs(Math.hypot(x - cx, y - 20) - 14) <= 2.5; // a 0, strokes 5 wide

  it('counts none where two digits only brush each other, so the cut costs no more than one through a joint', () => {
    // two 0s whose rings meet at one point
    const cuts = cutsOf(75, 40, (x, y) => ring(18, x, y) || ring(51.5, x, y));
    expect(Math.min(...cuts.map((c) => c.crossings))).toBe(0);
  });

  it('counts each stroke cut square-on: one through a bar joining two digits, two through a 0', () => {
    const joined = cutsOf(75, 40, (x, y) => ring(18, x, y) || ring(56, x, y) || (y >= 18 && y <= 22 && x > 30 && x < 44));
    expect(Math.min(...joined.map((c) => c.crossings))).toBe(1);
    const zero = cutsOf(40, 40, (x, y) => ring(20, x, y));
    expect(zero.every((c) => c.crossings >= 2)).toBe(true);
  });
});
