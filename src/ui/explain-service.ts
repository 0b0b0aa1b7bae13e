// The worker's side of the page's "Layers" and "Why?" views: one Explainer (src/explain/) for
// the current model, built on the first request with a copy of its weights, its weights read
// again after a run or a load changed them, replaced when the model is another. Each answer
// carries the explanation and the first convolution's filters (for the filter images).
import { Explainer, type Explanation } from '../explain/explainer.ts';
import type { GpuContext } from '../layers/types.ts';
import type { ModelInfo } from '../model/model-info.ts';

/** What the worker's current model (a Trainer or a GpuModel) offers. */
export interface ExplainSource {
  readonly model: ModelInfo;
  getWeights(): Promise<Float32Array>;
}

/** The first Conv2D's kernel, (kh, kw, in channels, filters) in Keras's order. */
export interface ConvFilters {
  layer: string;
  shape: readonly number[];
  values: Float32Array;
}

export interface ExplainAnswer {
  explanation: Explanation;
  filters?: ConvFilters;
}

function firstFilters(model: ModelInfo, weights: Float32Array): ConvFilters | undefined {
  const conv = model.layers.find((l) => l.spec.type === 'Conv2D');
  const kernel = conv?.weights.find((w) => w.weight === 'kernel');
  if (!conv || !kernel) return undefined;
  return { layer: conv.spec.name, shape: kernel.shape, values: weights.slice(kernel.offset, kernel.offset + kernel.size) };
}

export class ExplainService {
  private current?: { source: ExplainSource; explainer: Explainer; filters?: ConvFilters; stale: boolean };

  /** The model's weights changed (a run ended, weights were loaded): read them again before the next explanation. */
  weightsChanged(): void {
    if (this.current) this.current.stale = true;
  }

  /** Forgets the explainer (its device was lost, or the model is gone). */
  reset(): void {
    this.current?.explainer.destroy();
    this.current = undefined;
  }

  /** Explains `image` ((H, W, C) bytes, scaled as MNIST's) for `classIndex` or the predicted class. */
  async explain(ctx: GpuContext, source: ExplainSource, image: Uint8Array, classIndex?: number): Promise<ExplainAnswer> {
    if (this.current?.source !== source) {
      this.reset();
      const weights = await source.getWeights();
      this.current = { source, explainer: new Explainer(ctx, source.model, weights), filters: firstFilters(source.model, weights), stale: false };
    } else if (this.current.stale) {
      const weights = await source.getWeights();
      this.current.explainer.setWeights(weights);
      this.current.filters = firstFilters(source.model, weights);
      this.current.stale = false;
    }
    const { explainer, filters } = this.current;
    return { explanation: await explainer.explainPixels(image, 'divide-255', classIndex), filters };
  }
}
