// The dataset options shared by `npm run train` and `npm run evaluate`: --dataset (a built-in
// name, or the path of a folder of class folders or a Keras .npz file), --image-size,
// --color-mode and --test-split (the user's own images only). The path is made absolute here
// and read later (dataset-source.ts); a value without a slash or a dot that names nothing on
// disk is taken for a mistyped built-in name.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DATASET_NAMES, type DatasetName } from '../data/datasets.ts';
import { COLOR_MODES, type ColorMode } from '../data/images/color-mode.ts';
import { MAX_IMAGE_SIDE } from '../train/options.ts';
import { DEFAULT_TEST_SPLIT } from '../train/types.ts';
import { UsageError } from './cli-error.ts';
import { choiceError } from './command-line.ts';

/** parseArgs's entries of the dataset options. */
export const DATASET_OPTIONS = {
  dataset: { type: 'string' },
  'image-size': { type: 'string' },
  'color-mode': { type: 'string' },
  'test-split': { type: 'string' },
} as const;

/** The help's lines of the dataset options, with the default of --dataset. */
export function datasetUsage(defaultLine: string): string {
  return `  --dataset NAME|PATH     ${DATASET_NAMES.join(' or ')}, or your own images: a folder of class
                          folders (PNG, JPEG, BMP, GIF; optionally train/ and test/) or a
                          Keras .npz file (x_train, y_train, x_test, y_test);
                          ${defaultLine}
  --image-size H,W        size a folder's pictures are resized to (default: the model's input)
  --color-mode MODE       grayscale, rgb or rgba: a folder's pictures' channels (default: the
                          model's input channels: 1, 3, 4)
  --test-split F          fraction of each class a folder holds out for testing, in (0, 1)
                          (default ${DEFAULT_TEST_SPLIT}; not with train/ and test/ folders)`;
}

/** What the dataset options ask for. */
export interface DatasetArgs {
  /** The built-in dataset, or null for the user's own. */
  builtin: DatasetName | null;
  /** The user's own dataset's absolute path, or null. */
  path: string | null;
  /** What --dataset said (for messages). */
  given: string | null;
  imageSize: [number, number] | null;
  colorMode: ColorMode | null;
  /** --test-split, or null when not given. */
  testSplit: number | null;
}

function imageSize(raw: string): [number, number] {
  const m = /^\s*(\d+)\s*[,x×]\s*(\d+)\s*$/i.exec(raw);
  const size = m ? ([Number(m[1]), Number(m[2])] as [number, number]) : null;
  if (!size || size.some((v) => v < 1 || v > MAX_IMAGE_SIDE)) throw new UsageError(`--image-size: expected H,W or HxW (e.g. 28,28), each from 1 to ${MAX_IMAGE_SIDE}, got "${raw}"`);
  return size;
}

/** Parses the dataset options of parseArgs's values; a UsageError names the bad one. */
export function parseDatasetArgs(v: Partial<Record<keyof typeof DATASET_OPTIONS, string>>): DatasetArgs {
  const raw = v.dataset?.trim();
  if (raw === '') throw new UsageError(`--dataset: expected ${DATASET_NAMES.join(', ')} or the path of a folder or .npz file`);
  const builtin = raw === undefined ? null : (DATASET_NAMES.find((n) => n === raw.toLowerCase()) ?? null);
  const path = raw !== undefined && builtin === null ? resolve(raw) : null;
  if (path !== null && !/[/\\.]/.test(raw!) && !existsSync(path)) throw choiceError('--dataset', raw!, DATASET_NAMES);
  const args: DatasetArgs = { builtin, path, given: raw ?? null, imageSize: null, colorMode: null, testSplit: null };
  if (v['image-size'] !== undefined) args.imageSize = imageSize(v['image-size']);
  if (v['color-mode'] !== undefined) {
    const mode = COLOR_MODES.find((m) => m === v['color-mode']!.trim().toLowerCase());
    if (!mode) throw choiceError('--color-mode', v['color-mode'], COLOR_MODES);
    args.colorMode = mode;
  }
  if (v['test-split'] !== undefined) {
    const f = Number(v['test-split'].trim() || NaN);
    if (!(f > 0 && f < 1)) throw new UsageError(`--test-split: expected a fraction between 0 and 1 (e.g. 0.2), got "${v['test-split']}"`);
    args.testSplit = f;
  }
  if (path === null) {
    const own = (['image-size', 'color-mode', 'test-split'] as const).find((o) => v[o] !== undefined);
    if (own) throw new UsageError(`--${own} applies to your own images (--dataset PATH), not to ${builtin ?? 'mnist'}`);
  }
  return args;
}
