// A dataset of images with what the trainer must know besides the bytes: its class names, the
// shape of its images and how the gather scales their bytes. MNIST and Fashion-MNIST (28x28x1,
// divided by 255 on the GPU, as the seed was trained) and the user's own images (a folder of
// class folders or a Keras .npz; any H x W x C; bytes given as they are, 0..255, as Keras gives
// them: a model that wants 0..1 starts with a Rescaling layer). Browser-safe.
import { CLASS_NAMES, DATASET_NAMES, type DatasetName } from './datasets.ts';
import { IMAGE_COLS, IMAGE_ROWS } from './idx.ts';
import type { Mnist } from './mnist.ts';

/** What the gather does to a byte p: 'divide-255' gives p / 255, 'none' gives p. */
export type InputScaling = 'divide-255' | 'none';

export type ImageShape = readonly [height: number, width: number, channels: number];

/** A dataset's identity: what history.json and a written model record, and what evaluation compares. */
export interface DatasetDescription {
  /** 'mnist', 'fashion-mnist', or the absolute path of the folder or .npz file. */
  name: string;
  /** Label l means classNames[l]. */
  classNames: readonly string[];
  imageShape: ImageShape;
  scaling: InputScaling;
  /** A folder split by --test-split: the fraction held out (evaluation holds out the same images). */
  testSplit?: number;
}

export interface ImageDataset extends Mnist, DatasetDescription {}

/** The shape of MNIST's and Fashion-MNIST's images. */
export const BUILTIN_IMAGE_SHAPE: ImageShape = [IMAGE_ROWS, IMAGE_COLS, 1];

/** A built-in dataset's description. */
export function builtinDescription(name: DatasetName): DatasetDescription {
  return { name, classNames: [...CLASS_NAMES[name]], imageShape: BUILTIN_IMAGE_SHAPE, scaling: 'divide-255' };
}

/** A loaded built-in dataset with its description. */
export function builtinDataset(name: DatasetName, data: Mnist): ImageDataset {
  return { ...data, ...builtinDescription(name) };
}

/**
 * The description of `data`: its own, or for a plain Mnist (the page's built-in datasets) the
 * built-in dataset with its class names (MNIST or Fashion-MNIST), its own shape and classes.
 */
export function describeDataset(data: Mnist | ImageDataset): DatasetDescription {
  if ('scaling' in data) {
    const { name, classNames, imageShape, scaling, testSplit } = data;
    return { name, classNames, imageShape, scaling, ...(testSplit === undefined ? {} : { testSplit }) };
  }
  const builtin = DATASET_NAMES.find((n) => JSON.stringify(CLASS_NAMES[n]) === JSON.stringify(data.classNames)) ?? 'mnist';
  return { ...builtinDescription(builtin), classNames: data.classNames, imageShape: data.imageShape };
}

/** "28x28x1". */
export function shapeText(shape: readonly number[]): string {
  return shape.join('x');
}

/**
 * Why a model trained on `trained` may not be evaluated on `given` (null when it may): they
 * must have the same class names, image shape and input scaling; the name or path may differ
 * (a folder moved or copied elsewhere is the same dataset).
 */
export function datasetMismatch(trained: DatasetDescription, given: DatasetDescription): string | null {
  const problems: string[] = [];
  const names = (d: DatasetDescription) => JSON.stringify(d.classNames);
  if (names(trained) !== names(given)) problems.push(`classes ${listNames(given.classNames)} (the model's: ${listNames(trained.classNames)})`);
  if (shapeText(trained.imageShape) !== shapeText(given.imageShape)) problems.push(`images ${shapeText(given.imageShape)} (the model's: ${shapeText(trained.imageShape)})`);
  if (trained.scaling !== given.scaling) problems.push(`input scaling ${given.scaling} (the model's: ${trained.scaling})`);
  return problems.length ? problems.join(', ') : null;
}

/** "[cat, dog, fish]", cut after 6 names. */
export function listNames(names: readonly string[], shown = 6): string {
  const head = names.slice(0, shown).join(', ');
  return `[${head}${names.length > shown ? `, … ${names.length - shown} more` : ''}]`;
}

/** A description read from a file (history.json, a model's metadata), checked field by field; null when it is not one. */
export function parseDatasetDescription(raw: unknown): DatasetDescription | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { name, classNames, imageShape, scaling } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || name.length === 0 || name.length > 4096) return null;
  if (!Array.isArray(classNames) || classNames.length < 1 || classNames.length > 65536 || !classNames.every((c) => typeof c === 'string')) return null;
  if (!Array.isArray(imageShape) || imageShape.length !== 3 || !imageShape.every((v) => Number.isInteger(v) && v > 0 && v <= 65536)) return null;
  if (scaling !== 'divide-255' && scaling !== 'none') return null;
  const { testSplit } = raw as Record<string, unknown>;
  const split = typeof testSplit === 'number' && testSplit > 0 && testSplit < 1 ? { testSplit } : {};
  return { name, classNames: [...classNames] as string[], imageShape: [imageShape[0], imageShape[1], imageShape[2]], scaling, ...split };
}
