// Grad-CAM (Selvaraju et al.), as Keras's recipe computes it: for a convolution's output A
// (h, w, K; after its activation) and the gradient G = d(class score)/dA, the channel weights
// alpha_k = mean over positions of G[., ., k] and the map ReLU(sum_k alpha_k * A[., ., k]),
// (h, w); plus the map resized to the input's height and width (bilinear, half-pixel centres).
// Pure functions on Float32Arrays (browser- and Node-safe); and the layers it may weigh.
import { resizeBilinearFloat } from '../data/images/resize-bilinear.ts';
import type { ModelInfo } from '../model/model-info.ts';

/** The names of the model's Conv2D layers, in order: Grad-CAM's choices. */
export function conv2dLayers(model: Pick<ModelInfo, 'layers'>): string[] {
  return model.layers.filter((l) => l.spec.type === 'Conv2D').map((l) => l.spec.name);
}

export interface GradCam {
  /** The convolution whose output weighs the map. */
  layer: string;
  height: number;
  width: number;
  /** (height, width): ReLU(sum_k alpha_k A_k), unnormalised. */
  map: Float32Array;
  /** (K): alpha_k, the spatial mean of d(score)/dA_k. */
  weights: Float32Array;
  /** (input height, input width): `map` resized bilinearly to the input. */
  upsampled: Float32Array;
}

/** Grad-CAM from a conv output `activation` and its gradient `gradient`, both (h, w, K) channels-last. */
export function gradCam(
  layer: string,
  [height, width, channels]: readonly number[],
  activation: Float32Array,
  gradient: Float32Array,
  [inHeight, inWidth]: readonly number[],
): GradCam {
  const positions = height * width;
  if (activation.length < positions * channels || gradient.length < positions * channels) {
    throw new Error(`Grad-CAM of ${layer}: expected ${positions * channels} values of its output and gradient`);
  }
  const weights = new Float64Array(channels);
  for (let p = 0; p < positions; p++) for (let k = 0; k < channels; k++) weights[k] += gradient[p * channels + k];
  for (let k = 0; k < channels; k++) weights[k] /= positions;
  const map = new Float32Array(positions);
  for (let p = 0; p < positions; p++) {
    let sum = 0;
    for (let k = 0; k < channels; k++) sum += weights[k] * activation[p * channels + k];
    map[p] = Math.max(0, sum);
  }
  const upsampled = resizeBilinearFloat(map, { inHeight: height, inWidth: width, channels: 1, outHeight: inHeight, outWidth: inWidth });
  return { layer, height, width, map, weights: Float32Array.from(weights), upsampled };
}
