// Global thresholding of a grayscale image for the number segmenter: Otsu's threshold and
// the background level read from the image's border. Pure, no DOM.

const LEVELS = 256;

/** (256) counts of the values 0..255 (each value rounded and clamped). */
export function histogram(values: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(LEVELS);
  for (let i = 0; i < values.length; i++) counts[Math.min(LEVELS - 1, Math.max(0, Math.round(values[i])))]++;
  return counts;
}

/**
 * Otsu's threshold: the level t (0..254) that maximises the between-class variance of
 * {v <= t} and {v > t}. Among equal maxima the middle one is taken, so a two-valued image
 * splits halfway between its values.
 */
export function otsuThreshold(values: ArrayLike<number>): number {
  const counts = histogram(values);
  let total = 0;
  let sum = 0;
  for (let v = 0; v < LEVELS; v++) {
    total += counts[v];
    sum += v * counts[v];
  }
  let below = 0; // pixels with value <= t
  let belowSum = 0;
  let best = -1;
  let first = 0;
  let last = 0;
  for (let t = 0; t < LEVELS - 1; t++) {
    below += counts[t];
    belowSum += t * counts[t];
    const above = total - below;
    if (below === 0 || above === 0) continue;
    const meanBelow = belowSum / below;
    const meanAbove = (sum - belowSum) / above;
    const between = below * above * (meanBelow - meanAbove) ** 2;
    if (between > best * (1 + 1e-12)) {
      best = between;
      first = last = t;
    } else if (between >= best * (1 - 1e-12)) {
      last = t;
    }
  }
  return Math.floor((first + last) / 2);
}

/** Median of the pixels on the image's outer frame (one pixel wide), as the paper's level. */
export function borderLevel(data: ArrayLike<number>, width: number, height: number): number {
  const border: number[] = [];
  for (let x = 0; x < width; x++) {
    border.push(data[x]);
    if (height > 1) border.push(data[(height - 1) * width + x]);
  }
  for (let y = 1; y < height - 1; y++) {
    border.push(data[y * width]);
    if (width > 1) border.push(data[y * width + width - 1]);
  }
  border.sort((a, b) => a - b);
  const mid = border.length >> 1;
  return border.length % 2 ? border[mid] : (border[mid - 1] + border[mid]) / 2;
}

/** Tiles per side of the longer image side over which flattenPaper measures the paper. */
const PAPER_TILES = 10;
/** Where in a tile's values its paper lies (ink is thin: most of a tile is paper). */
const PAPER_QUANTILE = 0.9;

/**
 * Evens out a picture lit unevenly (a photo's shading): the paper's level is measured in
 * square tiles (the 90th percentile of each, from the paper's side: the 10th on a dark
 * ground), taken as the median of each tile and its 8 neighbours (a tile filled by a big
 * digit's stroke reads its neighbours' paper; a steady shading passes unchanged),
 * interpolated bilinearly between tile centres, and each pixel divided by it (light paper)
 * or its complement (dark ground), so the paper comes out near 255 (0 on a dark ground)
 * everywhere and the ink keeps its side.
 * Returns (height, width) values 0..255.
 */
export function flattenPaper(data: ArrayLike<number>, width: number, height: number, lightPaper: boolean): Float64Array {
  const tile = Math.max(16, Math.ceil(Math.max(width, height) / PAPER_TILES));
  const tx = Math.ceil(width / tile);
  const ty = Math.ceil(height / tile);
  // work on "darkness below the paper" so that both polarities are one case: paper high
  const light = (v: number) => (lightPaper ? v : 255 - v);
  const level = new Float64Array(tx * ty); // (ty, tx) each tile's paper level
  for (let j = 0; j < ty; j++) {
    for (let i = 0; i < tx; i++) {
      const values: number[] = [];
      for (let y = j * tile; y < Math.min(height, (j + 1) * tile); y++) {
        for (let x = i * tile; x < Math.min(width, (i + 1) * tile); x++) values.push(light(data[y * width + x]));
      }
      values.sort((a, b) => a - b);
      level[j * tx + i] = values[Math.min(values.length - 1, Math.floor(PAPER_QUANTILE * values.length))];
    }
  }
  const paper = new Float64Array(tx * ty); // (ty, tx) the median of each 3x3 neighbourhood of tiles
  for (let j = 0; j < ty; j++) {
    for (let i = 0; i < tx; i++) {
      const near: number[] = [];
      for (let b = Math.max(0, j - 1); b <= Math.min(ty - 1, j + 1); b++) {
        for (let a = Math.max(0, i - 1); a <= Math.min(tx - 1, i + 1); a++) near.push(level[b * tx + a]);
      }
      near.sort((u, v) => u - v);
      const mid = near.length >> 1;
      paper[j * tx + i] = near.length % 2 ? near[mid] : (near[mid - 1] + near[mid]) / 2;
    }
  }
  const out = new Float64Array(width * height); // (height, width)
  for (let y = 0; y < height; y++) {
    const fy = Math.min(ty - 1, Math.max(0, (y + 0.5) / tile - 0.5));
    const j0 = Math.floor(fy);
    const j1 = Math.min(ty - 1, j0 + 1);
    for (let x = 0; x < width; x++) {
      const fx = Math.min(tx - 1, Math.max(0, (x + 0.5) / tile - 0.5));
      const i0 = Math.floor(fx);
      const i1 = Math.min(tx - 1, i0 + 1);
      const [wx, wy] = [fx - i0, fy - j0];
      const p =
        (1 - wy) * ((1 - wx) * paper[j0 * tx + i0] + wx * paper[j0 * tx + i1]) + wy * ((1 - wx) * paper[j1 * tx + i0] + wx * paper[j1 * tx + i1]);
      const even = Math.min(255, (255 * light(data[y * width + x])) / Math.max(1, p));
      out[y * width + x] = lightPaper ? even : 255 - even;
    }
  }
  return out;
}
