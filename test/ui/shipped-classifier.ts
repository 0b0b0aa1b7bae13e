// The page's shipped model (public/trained/mnist-cnn/) as the number reader's batch
// classifier in Node: the float64 reference forward (test/reference/sequential.ts) over the
// 28x28 fields, softmax of its logits. Counts its calls, so a test can check that a
// reading classifies all of its fields in one batch.
import { join, resolve } from 'node:path';
import { loadModelFiles } from '../../src/io/files.ts';
import type { BatchClassifier } from '../../src/ui/numbers/panel.ts';
import { sequentialForward } from '../reference/sequential.ts';
import { softmaxRowsForward } from '../reference/activation-layer.ts';

export const SHIPPED_MODEL_DIR = join(resolve(import.meta.dirname, '../..'), 'public', 'trained', 'mnist-cnn');

export interface CountingClassifier {
  classify: BatchClassifier;
  /** The sizes of the batches classified so far, in order. */
  batches: number[];
}

export async function shippedModelClassifier(): Promise<CountingClassifier> {
  const { model, params } = await loadModelFiles(join(SHIPPED_MODEL_DIR, 'model.json'));
  const weights = Float64Array.from(params);
  const batches: number[] = [];
  const classify: BatchClassifier = async (images, n) => {
    batches.push(n);
    const x = Float64Array.from(images, (v) => v / 255);
    const { logits } = sequentialForward(model, weights, x, null);
    return Float32Array.from(softmaxRowsForward(logits, n, model.classes));
  };
  return { classify, batches };
}
