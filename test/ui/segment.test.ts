import { describe, expect, it } from 'vitest';
import { parseImages, parseLabels } from '../../src/data/idx.ts';
import { mnistDataDir, readMnistFile } from '../../src/data/mnist-node.ts';
import { MNIST_FILES } from '../../src/data/mnist.ts';
import { labelComponents } from '../../src/ui/components.ts';
import { centreOfMass, FIT, SIDE } from '../../src/ui/mnist-style.ts';
import { grayscaleFromRgba, segmentDigits, type Segmentation } from '../../src/ui/segment.ts';
import { InkCanvas, type Box } from './glyphs.ts';

const PAPER = 235; // light paper
const PEN = 25; // dark pen

/** Segments the canvas rendered as dark ink on light paper. */
function segmentDark(canvas: InkCanvas): Segmentation {
  return segmentDigits({ width: canvas.width, height: canvas.height, data: canvas.render(PAPER, PEN) });
}

/** Bounding box of the nonzero pixels of a 28x28 field. */
function fieldBox(pixels: Uint8Array): Box {
  let x0 = SIDE, y0 = SIDE, x1 = -1, y1 = -1;
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) if (pixels[y * SIDE + x] > 0) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Each digit is an MNIST field: longer side 20, strongest pixel 255, centre of mass within 1 px of the centre. */
function expectMnistFields(s: Segmentation): void {
  for (const { pixels } of s.digits) {
    expect(pixels).toHaveLength(SIDE * SIDE);
    const b = fieldBox(pixels);
    expect(Math.max(b.width, b.height)).toBe(FIT);
    expect(Math.max(...pixels)).toBe(255);
    const com = centreOfMass(pixels, SIDE, SIDE)!;
    expect(Math.abs(com.x - (SIDE - 1) / 2)).toBeLessThanOrEqual(1);
    expect(Math.abs(com.y - (SIDE - 1) / 2)).toBeLessThanOrEqual(1);
  }
}

/** The found boxes match the drawn ones, in order, each edge within `tolerance` px. */
function expectBoxes(s: Segmentation, drawn: Box[], tolerance: number): void {
  expect(s.digits.map((d) => d.box)).toHaveLength(drawn.length);
  s.digits.forEach(({ box }, i) => {
    const want = drawn[i];
    expect(Math.abs(box.x - want.x), `digit ${i} left`).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(box.y - want.y), `digit ${i} top`).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(box.x + box.width - (want.x + want.width)), `digit ${i} right`).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(box.y + box.height - (want.y + want.height)), `digit ${i} bottom`).toBeLessThanOrEqual(tolerance);
  });
}

/** Pearson correlation of two equally long images. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i] / n; mb += b[i] / n; }
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb); aa += (a[i] - ma) ** 2; bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/**
 * The best correlation of two 28x28 fields over shifts of up to one pixel each way: MNIST
 * placed its centres of mass with its own rounding, so a faithful copy may sit 1 px off.
 */
function alignedCorrelation(a: Uint8Array, b: Uint8Array): number {
  let best = -1;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const shifted = new Uint8Array(SIDE * SIDE);
      for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) {
        const sy = y - dy, sx = x - dx;
        if (sy >= 0 && sx >= 0 && sy < SIDE && sx < SIDE) shifted[y * SIDE + x] = a[sy * SIDE + sx];
      }
      best = Math.max(best, correlation(shifted, b));
    }
  }
  return best;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('segmentDigits on drawn strokes', () => {
  it('finds separate digits left to right, with boxes around each and MNIST fields', () => {
    const c = new InkCanvas(420, 160);
    // drawn out of order, so the order must come from the positions
    const seven = c.glyph('7', { x: 160, y: 30, width: 70, height: 100 }, 9);
    const one = c.glyph('1', { x: 40, y: 35, width: 50, height: 95 }, 9);
    const three = c.glyph('3', { x: 290, y: 25, width: 75, height: 105 }, 9);
    const s = segmentDark(c);
    expect(s.inverted).toBe(true);
    expectBoxes(s, [one, seven, three], 2);
    expectMnistFields(s);
  });

  it('splits touching digits at the thin joint of the column profile', () => {
    const c = new InkCanvas(360, 150);
    // the 2's bottom bar runs into the 3's lower bow, and the 3's top into the 4's diagonal
    const two = c.glyph('2', { x: 30, y: 25, width: 80, height: 100 }, 10);
    const three = c.glyph('3', { x: 112, y: 25, width: 80, height: 100 }, 10);
    const zero = c.glyph('0', { x: 202, y: 25, width: 70, height: 100 }, 10);
    const s = segmentDark(c);
    expect(s.digits).toHaveLength(3);
    // the cut goes through the joint, so a box edge may move by a stroke width there
    expectBoxes(s, [two, three, zero], 10);
    expectMnistFields(s);
  });

  it('merges the pieces of a broken 4 and a broken 5 into one digit each', () => {
    const c = new InkCanvas(300, 150);
    const four = c.glyph('broken 4', { x: 30, y: 25, width: 80, height: 100 }, 9);
    const five = c.glyph('broken 5', { x: 160, y: 25, width: 75, height: 100 }, 9);
    const s = segmentDark(c);
    expectBoxes(s, [four, five], 2);
    expectMnistFields(s);
  });

  it('joins a 4 that came apart into two short pieces side by side, with no column overlap', () => {
    const c = new InkCanvas(420, 150);
    const one = c.glyph('1', { x: 40, y: 25, width: 45, height: 100 }, 9);
    const four = c.glyph('side-by-side 4', { x: 150, y: 25, width: 80, height: 100 }, 9);
    const seven = c.glyph('7', { x: 300, y: 25, width: 70, height: 100 }, 9);
    const s = segmentDark(c);
    expectBoxes(s, [one, four, seven], 2);
    expectMnistFields(s);
  });

  it('ignores noise specks around and between the digits', () => {
    const c = new InkCanvas(400, 160);
    const one = c.glyph('1', { x: 60, y: 30, width: 45, height: 100 }, 8);
    const eight = c.glyph('8', { x: 220, y: 30, width: 70, height: 100 }, 8);
    const rnd = random(7);
    for (let k = 0; k < 60; k++) c.dot(Math.floor(rnd() * 395), Math.floor(rnd() * 155), 1 + Math.floor(rnd() * 3));
    const s = segmentDark(c);
    // a speck may land on a stroke and widen its box by its own size
    expectBoxes(s, [one, eight], 4);
    expectMnistFields(s);
  });

  it('finds digits of very different sizes, each scaled to 20 px', () => {
    const c = new InkCanvas(420, 200);
    const big = c.glyph('4', { x: 20, y: 20, width: 120, height: 160 }, 14);
    const small = c.glyph('7', { x: 190, y: 120, width: 30, height: 45 }, 4);
    const middle = c.glyph('0', { x: 270, y: 60, width: 60, height: 90 }, 8);
    const s = segmentDark(c);
    expectBoxes(s, [big, small, middle], 2);
    expectMnistFields(s);
  });

  it("keeps each digit's field to its own ink where the boxes overlap", () => {
    const seven = { x: 30, y: 25, width: 80, height: 100 };
    const four = { x: 100, y: 25, width: 70, height: 100 }; // its crossbar reaches under the 7's bar
    const both = new InkCanvas(220, 150);
    const drawn = [both.glyph('7', seven, 9), both.glyph('4', four, 9)];
    const s = segmentDark(both);
    expectBoxes(s, drawn, 2);
    expect(drawn[0].x + drawn[0].width).toBeGreaterThan(drawn[1].x + 4); // the boxes do overlap
    (['7', '4'] as const).forEach((name, i) => {
      const alone = new InkCanvas(220, 150);
      alone.glyph(name, [seven, four][i], 9);
      const [only] = segmentDark(alone).digits;
      expect(correlation(s.digits[i].pixels, only.pixels)).toBeGreaterThan(0.99);
    });
  });

  it('reads light ink on a dark ground the same as dark ink on light paper', () => {
    const c = new InkCanvas(300, 140);
    c.glyph('2', { x: 30, y: 20, width: 70, height: 100 }, 9);
    c.glyph('broken 5', { x: 150, y: 20, width: 70, height: 100 }, 9);
    const dark = segmentDark(c);
    const light = segmentDigits({ width: c.width, height: c.height, data: c.render(PEN, PAPER) });
    expect(dark.inverted).toBe(true);
    expect(light.inverted).toBe(false);
    expect(light.digits).toHaveLength(2);
    expect(light.digits.map((d) => d.box)).toEqual(dark.digits.map((d) => d.box));
    light.digits.forEach((d, i) => expect(correlation(d.pixels, dark.digits[i].pixels)).toBeGreaterThan(0.99));
  });

  it('finds no digits in an empty image, blank or with faint paper grain', () => {
    expect(segmentDigits({ width: 50, height: 30, data: new Uint8ClampedArray(1500).fill(200) }).digits).toEqual([]);
    const rnd = random(3);
    const grain = Uint8ClampedArray.from({ length: 200 * 100 }, () => 220 + rnd() * 12);
    const s = segmentDigits({ width: 200, height: 100, data: grain });
    expect(s.digits).toEqual([]);
    expect(s.inverted).toBe(true);
  });

  it('takes a canvas RGBA image through grayscaleFromRgba (transparent = paper)', () => {
    const c = new InkCanvas(200, 100);
    const seven = c.glyph('7', { x: 60, y: 20, width: 50, height: 60 }, 6);
    // black strokes whose alpha is the coverage, on a transparent canvas, as the draw pad makes
    const rgba = new Uint8ClampedArray(200 * 100 * 4);
    c.ink.forEach((v, i) => (rgba[4 * i + 3] = v * 255));
    const s = segmentDigits(grayscaleFromRgba(rgba, 200, 100));
    expect(s.inverted).toBe(true);
    expectBoxes(s, [seven], 2);
  });

  it('reads a photo of paper lit unevenly (shading from 110 to 245), with sensor grain on every pixel', () => {
    const c = new InkCanvas(420, 160);
    const drawn = [
      c.glyph('2', { x: 40, y: 30, width: 70, height: 100 }, 9),
      c.glyph('0', { x: 170, y: 30, width: 70, height: 100 }, 9),
      c.glyph('8', { x: 300, y: 30, width: 70, height: 100 }, 9),
    ];
    const rnd = random(3);
    // the paper's shadow side (110) is darker than halfway between the ink (30) and the
    // lit side (245): one threshold must still fall between the ink and all of the paper
    const data = Uint8ClampedArray.from(c.ink, (coverage, i) => {
      const paper = 110 + (135 * (i % c.width)) / c.width;
      return paper + coverage * (30 - paper) + (rnd() - 0.5) * 30;
    });
    const s = segmentDigits({ width: c.width, height: c.height, data });
    expect(s.inverted).toBe(true);
    expectBoxes(s, drawn, 3);
    expectMnistFields(s);
  });

  it('finds the same digits in light ink on a dark ground with touching digits, a broken 4, specks and mixed sizes', () => {
    const c = new InkCanvas(520, 180);
    const drawn = [
      c.glyph('2', { x: 20, y: 40, width: 70, height: 100 }, 9),
      c.glyph('3', { x: 92, y: 40, width: 70, height: 100 }, 9), // touches the 2
      c.glyph('broken 4', { x: 220, y: 40, width: 80, height: 100 }, 9),
      c.glyph('7', { x: 350, y: 95, width: 30, height: 45 }, 4), // small
      c.glyph('0', { x: 420, y: 20, width: 80, height: 140 }, 12), // big
    ];
    const rnd = random(9);
    for (let k = 0; k < 40; k++) c.dot(Math.floor(rnd() * 515), Math.floor(rnd() * 175), 1 + Math.floor(rnd() * 2));
    const dark = segmentDark(c);
    const light = segmentDigits({ width: c.width, height: c.height, data: c.render(30, 220) });
    expect(light.inverted).toBe(false);
    expect(dark.inverted).toBe(true);
    // the joint of the touching pair may move a box edge by a stroke width; a speck on a stroke by its size
    expectBoxes(light, drawn, 10);
    expect(light.digits.map((d) => d.box)).toEqual(dark.digits.map((d) => d.box));
    light.digits.forEach((d, i) => expect(correlation(d.pixels, dark.digits[i].pixels), `digit ${i}`).toBeGreaterThan(0.98));
    expectMnistFields(light);
  });

  it('rejects malformed images with a clear error', () => {
    expect(() => segmentDigits({ width: 10, height: 10, data: new Uint8Array(99) })).toThrow(/expected 10x10 = 100/);
    expect(() => segmentDigits({ width: 10, height: 10, data: new Uint8Array(400) })).toThrow(/RGBA\?/);
    expect(() => segmentDigits({ width: 0, height: 10, data: new Uint8Array(0) })).toThrow(/positive integers/);
    expect(() => segmentDigits({ width: 2, height: 1, data: Float32Array.of(3, Number.NaN) })).toThrow(/pixel 1 is NaN/);
    expect(() => grayscaleFromRgba(new Uint8Array(12), 2, 2)).toThrow(/expected 2x2x4/);
  });
});

describe('segmentDigits on real MNIST digits', async () => {
  const dir = mnistDataDir();
  const images = parseImages(await readMnistFile(dir, MNIST_FILES.testImages), MNIST_FILES.testImages);
  const labels = parseLabels(await readMnistFile(dir, MNIST_FILES.testLabels), MNIST_FILES.testLabels);
  const digit = (k: number) => images.pixels.subarray(k * 784, (k + 1) * 784);

  /** Index of the original that the field resembles most. */
  const closest = (field: Uint8Array, originals: number[]) => {
    const r = originals.map((k) => alignedCorrelation(field, digit(k)));
    return originals[r.indexOf(Math.max(...r))];
  };

  it('cuts a row of MNIST digits back into fields that match the originals', () => {
    const picks = [0, 1, 2, 3, 4, 5, 6, 7]; // labels 7 2 1 0 4 1 4 9
    const c = new InkCanvas(12 + 30 * picks.length, 40);
    picks.forEach((k, i) => c.paste(digit(k), 6 + 30 * i, 6));
    const s = segmentDark(c);
    expect(s.digits).toHaveLength(picks.length);
    expectMnistFields(s);
    s.digits.forEach((d, i) => {
      expect(closest(d.pixels, picks), `digit ${i} (a ${labels[picks[i]]})`).toBe(picks[i]);
      expect(alignedCorrelation(d.pixels, digit(picks[i]))).toBeGreaterThan(0.9);
    });
  });

  it('splits real digits pushed together until they touch (a 0 into a 4, a 9 into a 7)', () => {
    const c = new InkCanvas(110, 40);
    c.paste(digit(3), 6, 6);
    c.paste(digit(4), 6 + 16, 6);
    c.paste(digit(16), 56, 6);
    c.paste(digit(17), 56 + 16, 6);
    const mask = Uint8Array.from(c.ink, (v) => (v > 0.5 ? 1 : 0));
    expect(labelComponents(mask, c.width, c.height).components).toHaveLength(2); // each pair touches
    const s = segmentDark(c);
    expect(s.digits).toHaveLength(4);
    expectMnistFields(s);
    const picks = [3, 4, 16, 17];
    s.digits.forEach((d, i) => expect(closest(d.pixels, picks), `digit ${i}`).toBe(picks[i]));
  });

  it('gives fields that a nearest-neighbour classifier over MNIST training digits reads as well as the originals', async () => {
    const train = parseImages(await readMnistFile(dir, MNIST_FILES.trainImages), MNIST_FILES.trainImages);
    const trainLabels = parseLabels(await readMnistFile(dir, MNIST_FILES.trainLabels), MNIST_FILES.trainLabels);
    const references = 6000;
    const nearest = (field: Uint8Array) => {
      let best = Infinity;
      let label = -1;
      for (let k = 0; k < references; k++) {
        let d = 0;
        for (let p = 0, o = k * 784; p < 784; p++, o++) d += (field[p] - train.pixels[o]) ** 2;
        if (d < best) { best = d; label = trainLabels[k]; }
      }
      return label;
    };
    // 16 test digits enlarged 3x (bilinear) in a row, as a photo of a written number shows them
    const picks = Array.from({ length: 16 }, (_, k) => 20 + k);
    const c = new InkCanvas(20 + 90 * picks.length, 110);
    picks.forEach((k, i) => c.pasteScaled(digit(k), 10 + 90 * i, 12, 3));
    const s = segmentDark(c);
    expect(s.digits).toHaveLength(picks.length);
    expectMnistFields(s);
    const rightOnOriginals = picks.filter((k) => nearest(digit(k)) === labels[k]).length;
    const rightOnFields = picks.filter((k, i) => nearest(s.digits[i].pixels) === labels[k]).length;
    expect(rightOnOriginals).toBeGreaterThanOrEqual(14);
    expect(rightOnFields).toBeGreaterThanOrEqual(rightOnOriginals - 1);
  }, 60_000);

  it('leaves single digits whole: at least 99% of 300 MNIST test digits come out as one', () => {
    let whole = 0;
    for (let k = 0; k < 300; k++) {
      const c = new InkCanvas(40, 40);
      c.paste(digit(k), 6, 6);
      if (segmentDark(c).digits.length === 1) whole++;
    }
    expect(whole).toBeGreaterThanOrEqual(297);
  });
});
