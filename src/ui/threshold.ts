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
