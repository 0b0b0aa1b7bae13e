// The float64 reference of an explanation (src/explain/): the model in inference mode through
// the layer references forward, then backward from a one-hot gradient on the logits, giving
// every layer's output, the saliency d logit / d input and a chosen layer's output and
// gradient for Grad-CAM; and Grad-CAM itself from those. Each layer's backward reference is
// checked against finite differences in test/reference/.
import { inferenceModeModel } from '../../src/explain/inference-mode-model.ts';
import type { ModelInfo } from '../../src/model/model-info.ts';
import { layerBackward, layerForward } from './sequential.ts';

/** The float64 references of an explanation: outputs, d logit/d input, the Grad-CAM layer's output and gradient. */
export function referenceExplanation(model: ModelInfo, params: Float32Array, x: Float32Array, cls: number, camLayer: string) {
  const m = inferenceModeModel(model);
  const p = Float64Array.from(params);
  const grads = new Float64Array(p.length);
  const n = m.layers.length;
  const inputs: Float64Array[] = [];
  const outputs: { y: Float64Array; cache?: unknown }[] = [];
  let h: Float64Array = Float64Array.from(x);
  m.layers.forEach((l, i) => {
    inputs.push(h);
    const f = layerForward(l, i === n - 1, p, h, 1, null);
    outputs.push(f);
    h = f.y;
  });
  let dy: Float64Array = new Float64Array(model.classes);
  dy[cls] = 1;
  let camGrad: Float64Array = new Float64Array(0);
  for (let i = n - 1; i >= 0; i--) {
    if (m.layers[i].spec.name === camLayer) camGrad = dy;
    dy = layerBackward(m.layers[i], i === n - 1, p, inputs[i], outputs[i] as never, dy, 1, null, grads);
  }
  const camIndex = m.layers.findIndex((l) => l.spec.name === camLayer);
  return { outputs: outputs.map((o) => o.y), saliency: dy, camActivation: outputs[camIndex].y, camGrad, camShape: m.layers[camIndex].outputShape };
}

/** Grad-CAM in float64 from a conv output and its gradient (h, w, K). */
export function referenceGradCam(a: Float64Array, g: Float64Array, [hgt, wid, k]: readonly number[]): Float64Array {
  const alpha = new Float64Array(k);
  for (let p = 0; p < hgt * wid; p++) for (let c = 0; c < k; c++) alpha[c] += g[p * k + c] / (hgt * wid);
  const map = new Float64Array(hgt * wid);
  for (let p = 0; p < hgt * wid; p++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += alpha[c] * a[p * k + c];
    map[p] = Math.max(0, s);
  }
  return map;
}

