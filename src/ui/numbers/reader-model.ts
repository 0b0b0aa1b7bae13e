// The number reader's own model, on the worker: the page's MNIST network fine-tuned on the
// pieces the reader cuts out of photographed numbers, with an eleventh class, "not one
// digit" (a fragment of a digit, two digits together). It tells the reader whether a piece is
// one digit; the page's model reads the digits (it reads them itself only when the page's
// model is not a digit model). Served from public/trained/number-reader/ (how it was made:
// its README.md); fetched and built once per device, on the first reading.
import type { GpuContext } from '../../layers/types.ts';
import { readModel } from '../../io/tfjs-model.ts';
import { blankSplit, GpuModel } from '../../train/gpu-model.ts';
import { fetchOk } from '../shipped-model.ts';
import { DIGITS } from '../mnist-style.ts';

/** Where the reader's model lies under the page's base URL. */
export const READER_MODEL_PATH = 'trained/number-reader/';

export class NumberReaderModel {
  private built: { device: GPUDevice; model: Promise<GpuModel> } | undefined;

  /** `base`: the URL of the model's folder (ending in '/'). */
  constructor(private readonly base: string) {}

  /** The model on `ctx`'s device: fetched and built on the first call for a device (a failure is tried again next time). */
  get(ctx: GpuContext): Promise<GpuModel> {
    if (this.built?.device === ctx.device) return this.built.model;
    this.forget();
    const model = this.build(ctx);
    const built = { device: ctx.device, model };
    this.built = built;
    model.catch(() => {
      if (this.built === built) this.built = undefined;
    });
    return model;
  }

  /** Drops the model (its device was lost); the next call builds it again. */
  forget(): void {
    const old = this.built;
    this.built = undefined;
    void old?.model.then((m) => m.destroy(), () => undefined);
  }

  private async build(ctx: GpuContext): Promise<GpuModel> {
    const fetched = (name: string) =>
      fetchOk(new URL(name, this.base).href).catch((e: unknown) => {
        throw new Error(`the number reader's model: ${e instanceof Error ? e.message : String(e)}`);
      });
    const [json, weights] = await Promise.all([fetched('model.json').then((r) => r.text()), fetched('weights.bin').then((r) => r.arrayBuffer())]);
    const { model, params, dataset } = readModel(json, weights, { source: "the number reader's model.json" });
    if (model.classes !== DIGITS + 1) throw new Error(`the number reader's model has ${model.classes} classes, not the ${DIGITS} digits and "not one digit"`);
    return new GpuModel(ctx, model, params, blankSplit(model), undefined, undefined, dataset?.scaling ?? 'divide-255');
  }
}
