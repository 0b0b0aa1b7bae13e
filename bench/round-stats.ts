// Statistics of interleaved benchmark rounds (bench/rounds.ts): each round times our training
// step and then each peer's, so a peer's ratio in round r pairs two measurements taken seconds
// apart. Pure functions, no I/O.

/** The p-quantile (0 <= p <= 1) of a non-empty list, interpolating linearly between order statistics (numpy's default). */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) throw new Error('quantile of an empty list');
  if (!(p >= 0 && p <= 1)) throw new Error(`quantile: p must be in [0, 1], got ${p}`);
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** The median (the mean of the middle two for an even count). */
export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** Median, extremes and quartiles of a list of per-round values. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** First and third quartiles; q3 - q1 is the interquartile range. */
  q1: number;
  q3: number;
}

export function spread(xs: readonly number[]): Spread {
  return {
    median: median(xs),
    min: Math.min(...xs),
    max: Math.max(...xs),
    q1: quantile(xs, 0.25),
    q3: quantile(xs, 0.75),
  };
}

/** One side's per-round ms per step and its medians. */
export interface SideSummary {
  /** ms per step in each round, in round order. */
  ms_per_step: number[];
  median_ms_per_step: number;
  /** batch / median ms per step, in samples per second. */
  samples_per_s: number;
}

export function summarizeSide(msPerStep: readonly number[], batch: number): SideSummary {
  const m = median(msPerStep);
  return { ms_per_step: [...msPerStep], median_ms_per_step: m, samples_per_s: (batch * 1000) / m };
}

/** A peer against us: their ms/step divided by ours in each round (> 1: we are faster). */
export interface RatioSummary extends Spread {
  per_round: number[];
}

/** Per-round ratios theirs / ours (the same round index pairs the two), with their spread. */
export function roundRatios(oursMs: readonly number[], theirsMs: readonly number[]): RatioSummary {
  if (oursMs.length !== theirsMs.length) {
    throw new Error(`rounds differ: ${oursMs.length} of ours, ${theirsMs.length} of theirs`);
  }
  if (oursMs.length === 0) throw new Error('no rounds');
  const perRound = theirsMs.map((t, r) => t / oursMs[r]);
  return { per_round: perRound, ...spread(perRound) };
}
