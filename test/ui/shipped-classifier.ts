// The page's shipped models (public/trained/: the MNIST model, and the number reader's model
// with its "not one digit" class) as the number reader's batch classifier in Node: the
// float64 reference forward (test/reference/sequential.ts) over the 28x28 fields, scaled as
// the model's dataset record says (0..1 unless it records bytes as they are), softmax of its logits. Counts its calls, so a test can check that a
// reading classifies all of its fields in one batch.
import { join, resolve } from 'node:path';
import { loadModelFiles } from '../../src/io/files.ts';
import type { BatchClassifier } from '../../src/ui/numbers/panel.ts';
import { sequentialForward } from '../reference/sequential.ts';
import { softmaxRowsForward } from '../reference/activation-layer.ts';
import { withDigitsFrom } from '../../src/ui/numbers/read-number.ts';

export const SHIPPED_MODEL_DIR = join(resolve(import.meta.dirname, '../..'), 'public', 'trained', 'mnist-cnn');
export const READER_MODEL_DIR = join(resolve(import.meta.dirname, '../..'), 'public', 'trained', 'number-reader');

export interface CountingClassifier {
  classify: BatchClassifier;
  /** The sizes of the batches classified so far, in order. */
  batches: number[];
}

/** The model in `dir` (default: the number reader's) as a counting batch classifier. */
export async function shippedModelClassifier(dir = READER_MODEL_DIR): Promise<CountingClassifier> {
  const { model, params, dataset } = await loadModelFiles(join(dir, 'model.json'));
  const weights = Float64Array.from(params);
  const scale = dataset?.scaling === 'none' ? 1 : 1 / 255;
  const batches: number[] = [];
  const classify: BatchClassifier = async (images, n) => {
    batches.push(n);
    const x = Float64Array.from(images, (v) => v * scale);
    const { logits } = sequentialForward(model, weights, x, null);
    return Float32Array.from(softmaxRowsForward(logits, n, model.classes));
  };
  return { classify, batches };
}

/**
 * The number reader as the page runs it: the page's model (default: the shipped MNIST model)
 * reads the digits, the number reader's model says whether each piece is one digit
 * (read-number.ts withDigitsFrom); one counted batch per call.
 */
export async function readerClassifier(digitsDir = SHIPPED_MODEL_DIR, readerDir = READER_MODEL_DIR): Promise<CountingClassifier> {
  const [digits, reader] = await Promise.all([shippedModelClassifier(digitsDir), shippedModelClassifier(readerDir)]);
  const batches: number[] = [];
  const classify: BatchClassifier = async (images, n) => {
    batches.push(n);
    return withDigitsFrom(await reader.classify(images, n), await digits.classify(images, n), n);
  };
  return { classify, batches };
}
