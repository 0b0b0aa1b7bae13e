// What the page shows of a user's dataset once it is read: its class names, the images of
// each class in each split, the files left out, a few training images of each class and the
// command line that makes the same pack. Browser-safe, pure.
import type { ImageTarget } from './images/prepare-image.ts';
import type { ImageDataset, ImageShape } from './image-dataset.ts';
import type { PackHeader } from './image-pack.ts';

export interface DatasetSummary {
  name: string;
  classNames: string[];
  imageShape: ImageShape;
  /** Images of class c in the training and the test split. */
  trainCounts: number[];
  testCounts: number[];
  /** A folder split by its classes' shares ("0.2 of each class held out"): the fraction; null: its own split. */
  testSplit: number | null;
  skipped: PackHeader['skipped'];
  /** A few training images, by class: (H, W, C) bytes each. */
  samples: { image: Uint8Array; label: number }[];
  /** The `npm run train` options that read the same images. */
  cliOptions: string;
}

function classCounts(labels: Uint8Array, count: number, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < count; i++) counts[labels[i]]++;
  return counts;
}

/** The summary of a split dataset read from `header` (`target`: a folder's size and colours; null for a .npz). */
export function summarizeDataset(data: ImageDataset, header: PackHeader, target: ImageTarget | null, perClass = 4, most = 48): DatasetSummary {
  const classes = data.classNames.length;
  const [h, w, c] = data.imageShape;
  const bytes = h * w * c;
  const each = Math.max(1, Math.min(perClass, Math.floor(most / classes)));
  const taken = new Array<number>(classes).fill(0);
  const samples: DatasetSummary['samples'] = [];
  for (let i = 0; i < data.train.count && samples.length < most; i++) {
    const label = data.train.labels[i];
    if (taken[label] >= each) continue;
    taken[label]++;
    samples.push({ image: data.train.images.slice(i * bytes, (i + 1) * bytes), label });
  }
  samples.sort((a, b) => a.label - b.label);
  const flags = target ? ` --image-size ${target.height},${target.width} --color-mode ${target.colorMode}` : '';
  const split = data.testSplit !== undefined ? ` --test-split ${data.testSplit}` : '';
  return {
    name: header.name,
    classNames: [...data.classNames],
    imageShape: data.imageShape,
    trainCounts: classCounts(data.train.labels, data.train.count, classes),
    testCounts: classCounts(data.test.labels, data.test.count, classes),
    testSplit: data.testSplit ?? null,
    skipped: header.skipped,
    samples,
    cliOptions: `--dataset ${header.name}${flags}${split}`,
  };
}

