// The trained model shipped with the page, served from public/trained/mnist-cnn/ (Vite copies
// public/ into a static build as it is):
//   model.json + weights.bin  TensorFlow.js layers format, as `npm run train -- --out DIR` writes them;
//   history.json              that run's per-epoch history (the learning curves on arrival);
//   test.json                 its test figures: the output of `npm run evaluate -- DIR --json`,
//                             { "path", "loss", "accuracy", "count", "adapter" }.
// Reading it needs no dataset: the page predicts with it at once.
import { readModel, type ImportResult } from '../io/tfjs-model.ts';
import type { EpochRecord } from '../train/types.ts';

/** Where the shipped model lies under the page's base URL. */
export const SHIPPED_MODEL_PATH = 'trained/mnist-cnn/';

export interface ShippedTest {
  loss: number;
  accuracy: number;
  count: number;
}

export interface ShippedModel extends ImportResult {
  test?: ShippedTest;
  /** The training run's epochs (history.json), for the learning curves. */
  history?: EpochRecord[];
}

const EPOCH_FIELDS = ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'seconds'] as const;

/** The epochs of a history.json, or undefined when it is missing or malformed (no validation: NaN). */
export function parseShippedHistory(json: unknown): EpochRecord[] | undefined {
  const epochs = (json as { epochs?: unknown } | null)?.epochs;
  if (!Array.isArray(epochs) || epochs.length === 0) return undefined;
  const records: EpochRecord[] = [];
  for (const e of epochs) {
    if (typeof e !== 'object' || e === null) return undefined;
    const r = e as Record<string, unknown>;
    if (typeof r.loss !== 'number' || typeof r.accuracy !== 'number') return undefined;
    const record = Object.fromEntries(EPOCH_FIELDS.map((k) => [k, typeof r[k] === 'number' ? r[k] : Number.NaN])) as unknown as EpochRecord;
    records.push(record);
  }
  return records;
}

/** The test figures of a test.json, or undefined when it is missing or malformed. */
export function parseShippedTest(json: unknown): ShippedTest | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { loss, accuracy, count } = json as Record<string, unknown>;
  if (typeof loss !== 'number' || typeof accuracy !== 'number' || typeof count !== 'number') return undefined;
  if (!(accuracy >= 0 && accuracy <= 1) || !(count >= 1)) return undefined;
  return { loss, accuracy, count };
}

/** `url` fetched; an error naming it when it is missing (a dev server's index.html counts as missing) or fails. */
export async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  // A dev server answers a missing file with index.html: only JSON and binary count.
  if (!r.ok || (r.headers.get('content-type') ?? '').includes('text/html')) {
    throw new Error(`${url}: ${r.ok ? 'not found' : `HTTP ${r.status}`}`);
  }
  return r;
}

/** Fetches and reads the shipped model under `base` (a URL ending in '/'). */
export async function fetchShippedModel(base: string): Promise<ShippedModel> {
  const [modelJson, weights] = await Promise.all([
    fetchOk(new URL('model.json', base).href).then((r) => r.text()),
    fetchOk(new URL('weights.bin', base).href).then((r) => r.arrayBuffer()),
  ]);
  const optional = <T>(name: string, parse: (json: unknown) => T | undefined): Promise<T | undefined> =>
    fetchOk(new URL(name, base).href)
      .then((r) => r.json())
      .then(parse, () => undefined);
  const [test, history] = await Promise.all([optional('test.json', parseShippedTest), optional('history.json', parseShippedHistory)]);
  const imported = readModel(modelJson, weights, { source: 'the shipped model.json' });
  return { ...imported, ...(test && { test }), ...(history && { history }) };
}
