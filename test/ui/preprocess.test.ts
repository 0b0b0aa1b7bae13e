import { describe, expect, it } from 'vitest';
import { alphaChannel, preprocessDigit, SIDE } from '../../src/ui/preprocess.ts';

/** A width x height canvas with the rectangle [x0, x1) x [y0, y1) inked at `value`. */
function canvas(width: number, height: number, rects: [number, number, number, number][], value = 255): Uint8Array {
  const ink = new Uint8Array(width * height);
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) ink[y * width + x] = value;
  return ink;
}

function bbox(img: Uint8Array): { x0: number; y0: number; w: number; h: number } {
  let x0 = SIDE, y0 = SIDE, x1 = -1, y1 = -1;
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) if (img[y * SIDE + x] > 0) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  return { x0, y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

function centreOfMass(img: Uint8Array): { x: number; y: number } {
  let m = 0, x = 0, y = 0;
  for (let r = 0; r < SIDE; r++) for (let c = 0; c < SIDE; c++) {
    const v = img[r * SIDE + c];
    m += v; x += v * c; y += v * r;
  }
  return { x: x / m, y: y / m };
}

describe('preprocessDigit', () => {
  it('returns null for an empty drawing (or ink below the threshold)', () => {
    expect(preprocessDigit(new Uint8Array(100 * 100), 100, 100)).toBeNull();
    expect(preprocessDigit(canvas(50, 50, [[10, 10, 20, 20]], 5), 50, 50)).toBeNull();
  });

  it('crops, scales the longer side to 20 and centres a square', () => {
    // a 60x60 block in the top-left corner of a 280x280 pad
    const out = preprocessDigit(canvas(280, 280, [[5, 5, 65, 65]]), 280, 280)!;
    expect(out).toHaveLength(784);
    const b = bbox(out);
    expect(b.w).toBe(20);
    expect(b.h).toBe(20);
    expect(b.x0).toBe(4);
    expect(b.y0).toBe(4);
    expect(Math.max(...out)).toBe(255);
  });

  it('keeps the aspect ratio of a tall stroke (a "1")', () => {
    const out = preprocessDigit(canvas(280, 280, [[200, 20, 220, 220]]), 280, 280)!; // 20 wide, 200 tall
    const b = bbox(out);
    expect(b.h).toBe(20);
    expect(b.w).toBe(2);
    const com = centreOfMass(out);
    expect(Math.abs(com.x - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - 13.5)).toBeLessThanOrEqual(0.5);
  });

  it('centres by centre of mass, not by bounding box', () => {
    // an "L": heavy vertical bar on the left, lighter foot along the bottom
    const ink = canvas(100, 100, [
      [10, 10, 30, 90],
      [10, 70, 90, 90],
    ]);
    const out = preprocessDigit(ink, 100, 100)!;
    const com = centreOfMass(out);
    expect(Math.abs(com.x - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - 13.5)).toBeLessThanOrEqual(0.5);
    const b = bbox(out);
    // the box is 20 wide but shifted right of the bbox-centred position (4) towards the heavy bar
    expect(b.w).toBe(20);
    expect(b.x0).toBeGreaterThan(4);
    expect(b.x0 + b.w).toBeLessThanOrEqual(SIDE);
  });

  it('area-averages when shrinking: a thin line becomes grey, not lost', () => {
    // a 2-pixel-wide horizontal line across a 200-wide drawing shrinks 10x
    const ink = canvas(200, 200, [[0, 0, 200, 2], [0, 198, 200, 200]]);
    const out = preprocessDigit(ink, 200, 200)!;
    const b = bbox(out);
    expect(b.w).toBe(20);
    expect(b.h).toBe(20);
    expect(out.some((v) => v > 0 && v < 255)).toBe(false); // normalised: the line rows are the max
    expect(out.filter((v) => v > 0).length).toBe(40); // two rows of 20
  });

  it('never pushes ink outside the field', () => {
    // a heavy blob at the top of a tall shape pulls the centre of mass up
    const ink = canvas(100, 100, [[40, 0, 60, 100], [0, 0, 100, 30]]);
    const out = preprocessDigit(ink, 100, 100)!;
    const b = bbox(out);
    expect(b.y0).toBeGreaterThanOrEqual(0);
    expect(b.y0 + b.h).toBeLessThanOrEqual(SIDE);
    expect(b.x0 + b.w).toBeLessThanOrEqual(SIDE);
  });

  it("makes a field of the model's size, the digit in MNIST's proportion (20/28 of the shorter side)", () => {
    // a 60x60 block: in a 32-tall, 16-wide field its side is round(16 * 20 / 28) = 11, centred at (7.5, 15.5)
    const out = preprocessDigit(canvas(280, 280, [[5, 5, 65, 65]]), 280, 280, undefined, { height: 32, width: 16 })!;
    expect(out).toHaveLength(32 * 16);
    let [x0, y0, x1, y1] = [16, 32, -1, -1];
    for (let y = 0; y < 32; y++) for (let x = 0; x < 16; x++) if (out[y * 16 + x] > 0) {
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    expect([x1 - x0 + 1, y1 - y0 + 1]).toEqual([11, 11]);
    // an 11-wide block centred on 7.5 starts at round(7.5 - 5) = 3 (x), on 15.5 at round(15.5 - 5) = 11 (y)
    expect([x0, y0]).toEqual([3, 11]);
  });

  it('alphaChannel picks every fourth byte', () => {
    expect(Array.from(alphaChannel([1, 2, 3, 4, 5, 6, 7, 8]))).toEqual([4, 8]);
  });
});
