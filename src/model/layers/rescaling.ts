// Rescaling: y = x * scale + offset elementwise (Keras `Rescaling(scale, offset=0.0)`), no
// weights, any input shape. A model that wants pixels in [0, 1] starts with Rescaling(1/255).
import type { LayerType } from './types.ts';
import type { OptionReader } from './options.ts';

export interface RescalingOptions {
  scale: number;
  offset: number;
}

/** A finite number (Keras also accepts per-channel lists, which this project does not). */
function finite(r: OptionReader, key: string, fallback?: number): number {
  const v = r.config[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) r.fail(key, `expected a finite number, got ${JSON.stringify(v)}`);
  return v;
}

export const rescalingType: LayerType<RescalingOptions> = {
  className: 'Rescaling',
  namePrefix: 'rescaling',
  parse: (r) => ({ scale: finite(r, 'scale'), offset: finite(r, 'offset', 0) }),
  outputShape: (input) => input,
  weights: () => [],
  serialize: (o) => ({ scale: o.scale, offset: o.offset }),
  tfjsExtras: {},
  keras3Extras: {},
  built: false,
};
