// Connected components (8-connectivity) of a binary mask, for the number segmenter. Pure.

export interface Component {
  /** The component's value in the label map (index + 1; 0 is background). */
  label: number;
  /** Number of pixels. */
  area: number;
  /** Inclusive bounding box in pixel indices. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface ComponentLabels {
  /** (height, width) label of each pixel: 0 for background, else its component's label. */
  labels: Int32Array;
  /** components[k] has label k + 1. */
  components: Component[];
}

/** Labels the 8-connected components of `mask` ((height, width), nonzero = foreground). */
export function labelComponents(mask: Uint8Array, width: number, height: number): ComponentLabels {
  if (mask.length !== width * height) throw new RangeError(`mask holds ${mask.length} pixels, expected ${width}x${height}`);
  const labels = new Int32Array(width * height);
  const components: Component[] = [];
  const stack = new Int32Array(width * height); // pixel indices waiting to be visited
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const c: Component = { label: components.length + 1, area: 0, x0: width, y0: height, x1: -1, y1: -1 };
    components.push(c);
    let top = 0;
    stack[top++] = start;
    labels[start] = c.label;
    while (top > 0) {
      const p = stack[--top];
      const x = p % width;
      const y = (p - x) / width;
      c.area++;
      if (x < c.x0) c.x0 = x;
      if (x > c.x1) c.x1 = x;
      if (y < c.y0) c.y0 = y;
      if (y > c.y1) c.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (mask[q] && !labels[q]) {
            labels[q] = c.label;
            stack[top++] = q;
          }
        }
      }
    }
  }
  return { labels, components };
}
