// The worker's side of the page's "Layers" and "Why?" views: one Explainer (src/explain/) for
// the current model, built on the first request with a copy of its weights, its weights read
// again after a run or a load changed them (or taken as given: an epoch's checkpoint during a
// run), replaced when the model is another architecture (a new run of the same architecture
// keeps it: no pipelines compiled again). Each answer carries the explanation and every
// convolution's filters (for the filter images).
import { conv2dLayers } from '../explain/grad-cam.ts';
import type { InputScaling } from '../data/image-dataset.ts';
import { Explainer, type Explanation } from '../explain/explainer.ts';
import type { GpuContext } from '../layers/types.ts';
import type { ModelInfo } from '../model/model-info.ts';

/** What the worker's current model (a Trainer or a GpuModel) offers. */
export interface ExplainSource {
  readonly model: ModelInfo;
  /** What the model makes of the images' bytes (the user's own images: as they are). */
  readonly scaling: InputScaling;
  getWeights(): Promise<Float32Array>;
}

/** A Conv2D's kernel, (kh, kw, in channels, filters) in Keras's order. */
export interface ConvFilters {
  layer: string;
  shape: readonly number[];
  values: Float32Array;
}

export interface ExplainAnswer {
  explanation: Explanation;
  /** Every Conv2D's kernel, in layer order. */
  filters: ConvFilters[];
}

function convFilters(model: ModelInfo, weights: Float32Array): ConvFilters[] {
  return model.layers.flatMap((l) => {
    const kernel = l.spec.type === 'Conv2D' ? l.weights.find((w) => w.weight === 'kernel') : undefined;
    return kernel ? [{ layer: l.spec.name, shape: kernel.shape, values: weights.slice(kernel.offset, kernel.offset + kernel.size) }] : [];
  });
}

/** What an explanation is asked for: the class (default: the predicted one) and the Grad-CAM layer (default, or when the model has no Conv2D of that name: the last Conv2D). */
export interface ExplainChoice {
  classIndex?: number;
  camLayer?: string;
}

export class ExplainService {
  private current?: { source: ExplainSource; spec: string; explainer: Explainer; filters: ConvFilters[]; stale: boolean };
  /** Weights given with weightsChanged, used instead of reading the source's. */
  private given?: { source: ExplainSource; weights: Float32Array };

  /**
   * The model's weights changed (a run ended, weights were loaded, an epoch finished): read
   * them again before the next explanation, or use `weights` (copied) as `source`'s where given.
   * Weights are copied only once an explainer exists (before, the first request reads them).
   */
  weightsChanged(source?: ExplainSource, weights?: Float32Array): void {
    if (!this.current) return;
    this.current.stale = true;
    this.given = source && weights ? { source, weights: weights.slice() } : undefined;
  }

  /** Forgets the explainer (its device was lost, or the model is gone). */
  reset(): void {
    this.current?.explainer.destroy();
    this.current = undefined;
    this.given = undefined;
  }

  /** Explains `image` ((H, W, C) bytes, read as the source's scaling says) as `choice` asks. */
  async explain(ctx: GpuContext, source: ExplainSource, image: Uint8Array, choice: ExplainChoice = {}): Promise<ExplainAnswer> {
    const spec = JSON.stringify(source.model.spec);
    if (this.current?.source !== source || this.current.stale) {
      const given = this.given?.source === source ? this.given.weights : undefined;
      const weights = given ?? (await source.getWeights());
      this.given = undefined;
      if (this.current?.spec !== spec) {
        this.reset();
        this.current = { source, spec, explainer: new Explainer(ctx, source.model, weights), filters: [], stale: false };
      } else this.current.explainer.setWeights(weights);
      Object.assign(this.current, { source, filters: convFilters(source.model, weights), stale: false });
    }
    const { explainer, filters } = this.current;
    // a layer chosen for another model falls back to this one's last convolution (the answer names the layer used)
    const camLayer = choice.camLayer && conv2dLayers(source.model).includes(choice.camLayer) ? choice.camLayer : undefined;
    return { explanation: await explainer.explainPixels(image, source.scaling, choice.classIndex, camLayer), filters };
  }
}
