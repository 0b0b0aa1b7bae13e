// The colour of a heat value t in [0, 1] on the jet scale (dark blue, blue, cyan, yellow, red,
// dark red) that Keras's Grad-CAM example overlays: each of r, g, b a clamped tent of t.
// Pure (browser-safe); out-of-range and NaN values clamp to the ends.

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** [r, g, b] bytes of `t` on the jet scale. */
export function heatColor(t: number): [number, number, number] {
  const x = Number.isNaN(t) ? 0 : clamp01(t);
  const channel = (centre: number) => Math.round(255 * clamp01(1.5 - Math.abs(4 * x - centre)));
  return [channel(3), channel(2), channel(1)];
}
