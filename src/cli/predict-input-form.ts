// How `npm run predict` turns a picture into the model's input: the size, colour mode, input
// scaling and class names of the dataset the model records it was trained on (files this
// trainer wrote carry it under "webgpu_trainer"), else what its input shape says (grayscale for
// 1 channel, rgb for 3, rgba for 4; bytes divided by 255 unless the model starts with its own
// Rescaling; classes named by their index), told in one line. GPU-free and pure.
import { listNames, shapeText, type DatasetDescription, type InputScaling } from '../data/image-dataset.ts';
import { colorModeOfChannels } from '../data/images/color-mode.ts';
import type { ImageTarget } from '../data/images/prepare-image.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { datasetModelProblem } from '../train/dataset-fit.ts';
import { UsageError } from './cli-error.ts';

export interface InputForm {
  /** Each picture is decoded into this colour mode and resized to this size. */
  target: ImageTarget;
  scaling: InputScaling;
  /** Label l means classNames[l]. */
  classNames: string[];
  /** Where the form came from: the recorded dataset's name, or null when it was assumed. */
  dataset: string | null;
  /** The line saying what was assumed (no dataset recorded), else null. */
  assumed: string | null;
}

/** The input form of `model` read from `path`, which records `recorded` (or nothing); a UsageError naming the file when pictures cannot be its input. */
export function inputForm(path: string, model: ModelInfo, recorded: DatasetDescription | null): InputForm {
  if (recorded) {
    const problem = datasetModelProblem(recorded, model);
    if (problem) throw new UsageError(`${path}: the dataset it records does not fit the model: ${problem}`);
    const [height, width, channels] = recorded.imageShape;
    const colorMode = colorModeOfChannels(channels);
    if (!colorMode) throw new UsageError(`${path}: its dataset's images have ${channels} channels; pictures give 1 (grayscale), 3 (rgb) or 4 (rgba)`);
    return { target: { height, width, colorMode }, scaling: recorded.scaling, classNames: [...recorded.classNames], dataset: recorded.name, assumed: null };
  }
  const [height, width, channels] = model.inputShape;
  const colorMode = colorModeOfChannels(channels);
  if (!colorMode) {
    throw new UsageError(`${path}: the model's input has ${channels} channels (${shapeText(model.inputShape)}); a picture gives 1 (grayscale), 3 (rgb) or 4 (rgba), so it cannot be this model's input`);
  }
  const rescales = model.layers[0]?.spec.type === 'Rescaling';
  const scaling: InputScaling = rescales ? 'none' : 'divide-255';
  const classNames = Array.from({ length: model.classes }, (_, i) => String(i));
  const assumed =
    `${path} records no dataset: assuming ${height}x${width} ${colorMode} pictures, ` +
    `${rescales ? 'bytes 0..255 as they are (the model starts with Rescaling)' : 'bytes divided by 255 (as MNIST is given)'}, classes ${listNames(classNames)}`;
  return { target: { height, width, colorMode }, scaling, classNames, dataset: null, assumed };
}
