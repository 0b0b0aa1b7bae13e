// The map's geometry (src/ui/map-layout.ts): points fitted into the canvas with one scale and a
// margin, the point nearest the pointer, the arrow keys' next point, one colour per class.
import { describe, expect, it } from 'vitest';
import { classColors, layoutPoints, nearestPoint, stepPoint } from '../../src/ui/map-layout.ts';

const FRAME = { width: 200, height: 100, margin: 10 };

describe('layoutPoints', () => {
  it('fits the bounding box inside the margin with one scale for both axes, centred, y up', () => {
    // x spans 4, y spans 1: x fills the width (scale 180 / 4 = 45), y is centred.
    const xy = layoutPoints(Float32Array.of(-2, 0, 2, 1, 0, 0.5), FRAME);
    expect(Array.from(xy)).toEqual([10, 72.5, 190, 27.5, 100, 50]);
  });

  it('lets the taller span set the scale', () => {
    const xy = layoutPoints(Float32Array.of(5, 10, 6, 30), FRAME); // y spans 20: 80 px; x 1: 4 px
    expect(Array.from(xy)).toEqual([98, 90, 102, 10]);
  });

  it('puts points that coincide in the centre, and refuses a point that is not finite', () => {
    expect(Array.from(layoutPoints(Float32Array.of(3, 3, 3, 3), FRAME))).toEqual([100, 50, 100, 50]);
    expect(() => layoutPoints(Float32Array.of(0, 0, NaN, 1), FRAME)).toThrow(/map point 1 is not finite \(NaN, 1\)/);
  });
});

describe('nearestPoint', () => {
  const xy = Float32Array.of(10, 10, 50, 50, 54, 50);
  it('finds the nearest point within the radius', () => {
    expect(nearestPoint(xy, 11, 12, 5)).toBe(0);
    expect(nearestPoint(xy, 51, 49, 5)).toBe(1);
    expect(nearestPoint(xy, 53, 51, 5)).toBe(2);
  });
  it('finds none farther than the radius', () => {
    expect(nearestPoint(xy, 30, 30, 5)).toBe(-1);
    expect(nearestPoint(new Float32Array(0), 0, 0, 5)).toBe(-1);
  });
});

describe('stepPoint', () => {
  // 0 in the middle; 1 right, 2 far right, 3 above (y smaller), 4 down-left, 5 down-right but mostly down
  const xy = Float32Array.of(50, 50, 60, 52, 90, 50, 48, 20, 30, 58, 53, 70);
  it('goes to the nearest point within 45° of the arrow', () => {
    expect(stepPoint(xy, 0, 'right')).toBe(1);
    expect(stepPoint(xy, 0, 'up')).toBe(3);
    expect(stepPoint(xy, 0, 'left')).toBe(4);
    expect(stepPoint(xy, 0, 'down')).toBe(5);
    expect(stepPoint(xy, 1, 'right')).toBe(2);
  });
  it('stays where nothing lies that way', () => {
    expect(stepPoint(xy, 2, 'right')).toBe(2);
  });
});

describe('classColors', () => {
  it('gives every class its own colour, for ten classes and for more', () => {
    for (const n of [2, 10, 26]) {
      const c = classColors(n);
      expect(c).toHaveLength(n);
      expect(new Set(c).size).toBe(n);
    }
  });
});
