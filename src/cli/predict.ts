// `npm run predict -- MODEL IMAGE|FOLDER...`: classifies pictures with a saved model (a Keras 3
// .keras file, or a TensorFlow.js model.json or the folder holding one) on the GPU, through the
// same back ends as training (headless Chromium, or Dawn with --node): every picture read as the
// model's training images were (predict-input-form.ts), all of them in one run of batches of
// their own number (up to the evaluation batch), with an evaluation-only model. Prints each
// picture's most probable classes, or --json an array of { file, index, class, probabilities };
// --numbers reads whole handwritten numbers as the page's number reader does (MODEL reads the
// digits, the number reader's model says which pieces are one digit); --explain writes
// each picture's saliency and Grad-CAM (on --cam-layer's convolution) as a PNG (predict-explain.ts). Pictures that
// cannot be read are skipped and listed in one line; none readable is an error.
import { skippedLine, type SkippedFile } from '../data/image-folder.ts';
import { shapeText } from '../data/image-dataset.ts';
import type { DecodedImage } from '../data/images/decoded-image.ts';
import { prepareDecoded } from '../data/images/prepare-image.ts';
import { formatCount, MAX_DATASET_BYTES } from '../io/load-limits.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../train/types.ts';
import type { BatchClassifier } from '../ui/numbers/read-picture.ts';
import type { GrayImage } from '../ui/segment.ts';
import { CliError, UsageError } from './cli-error.ts';
import { commandMain } from './command-main.ts';
import { EventPrinter } from './event-printer.ts';
import { loadInitialModel, type InitialModel } from './model-source.ts';
import { decodePictureFile, listPictures, type PictureFile } from './predict-files.ts';
import { inputForm, type InputForm } from './predict-input-form.ts';
import { digitModelProblem, numberJson, numberLine, READER_MODEL_FILE, readNumbers, readerPicture } from './predict-numbers.ts';
import { withDigitsFrom } from '../ui/numbers/read-number.ts';
import { DIGITS } from '../ui/mnist-style.ts';
import { PREDICT_USAGE, parsePredictArgs, type PredictOptions } from './predict-options.ts';
import { predictionJson, predictionLine, type PicturePrediction } from './predict-report.ts';
import { bytesToBase64, floatsToBase64, type EncodedExplanation, type HeadlessConfig } from './protocol.ts';
import { decodeExplanation, explanationPaths, writeExplanation, type ExplanationJson } from './predict-explain.ts';
import { runOnce } from './single-run.ts';
import { conv2dLayers } from '../explain/grad-cam.ts';

/** Names shown in the line of skipped files. */
const SKIPPED_SHOWN = 10;

/**
 * Classifies `count` images ((count, H, W, C) bytes of the model's input) on the GPU in one run:
 * (count, classes) probabilities, and with `explain` each image's explanation.
 */
async function runOnGpu(
  o: PredictOptions,
  loaded: InitialModel,
  form: InputForm,
  images: Uint8Array,
  count: number,
  printer: EventPrinter,
  explain = false,
): Promise<{ probs: Float32Array; explanations?: EncodedExplanation[] }> {
  const camLayer = explain && o.camLayer !== null ? o.camLayer : undefined;
  const config: HeadlessConfig = {
    options: { ...DEFAULT_TRAIN_OPTIONS, model: loaded.model.spec },
    dataPack: null,
    initialWeights: floatsToBase64(loaded.params),
    samples: 0,
    testLimit: null,
    trainerModule: null,
    resume: null,
    predict: { images: bytesToBase64(images), count, scaling: form.scaling, explain, camLayer },
  };
  const result = await runOnce(config, printer, o);
  return { probs: Float32Array.from(result.samples.probabilities.flat()), explanations: result.explanations };
}

/** Decodes the files in turn, handing each picture to `use`; those that cannot be read join `skipped`. */
async function eachPicture(files: PictureFile[], skipped: SkippedFile[], use: (file: string, image: DecodedImage) => void): Promise<void> {
  for (const f of files) {
    const decoded = await decodePictureFile(f);
    if ('why' in decoded) skipped.push({ rel: decoded.file, why: decoded.why });
    else use(decoded.file, decoded.image);
  }
}

/** Warns about the files skipped; throws when no picture is left. */
function reportSkipped(skipped: SkippedFile[], readable: number): void {
  if (skipped.length > 0) process.stderr.write(`warning: ${skippedLine(skipped, skipped.length, SKIPPED_SHOWN)}\n`);
  if (readable === 0) throw new CliError(skipped.length ? 'no picture could be read (see the files skipped above)' : 'no pictures found in the folders given', 1);
}

async function predict(o: PredictOptions): Promise<void> {
  const loaded = await loadInitialModel(o.model, null);
  if (o.numbers) {
    const problem = digitModelProblem(loaded.model);
    if (problem) throw new UsageError(`--numbers: ${loaded.path}: ${problem}`);
  }
  const convs = conv2dLayers(loaded.model);
  if (o.camLayer !== null && !convs.includes(o.camLayer)) {
    throw new UsageError(`--cam-layer ${o.camLayer}: ${loaded.path} has no Conv2D layer of that name (its Conv2D layers: ${convs.join(', ') || 'none'})`);
  }
  const form = inputForm(loaded.path, loaded.model, loaded.dataset);
  const listing = await listPictures(o.inputs);
  const printer = new EventPrinter();
  if (o.json) printer.mute();
  if (form.assumed) process.stderr.write(`note: ${form.assumed}\n`);
  const skipped = [...listing.skipped];
  if (o.numbers) return predictNumbers(o, loaded, form, listing.files, skipped, printer);
  const { height, width, colorMode } = form.target;
  if (form.dataset) printer.note(`Pictures read as ${height}x${width} ${colorMode}, as the images of ${form.dataset} (the dataset the model records)`);
  const size = loaded.model.inputSize;
  if (listing.files.length * size > MAX_DATASET_BYTES) {
    throw new UsageError(`${formatCount(listing.files.length)} pictures of ${shapeText(loaded.model.inputShape)} are more than the ${formatCount(MAX_DATASET_BYTES)} bytes classified in one run; give fewer`);
  }
  const images = new Uint8Array(listing.files.length * size);
  const files: string[] = [];
  await eachPicture(listing.files, skipped, (file, image) => {
    images.set(prepareDecoded(image, form.target), files.length * size);
    files.push(file);
  });
  reportSkipped(skipped, files.length);
  const pngs = o.explain === null ? null : await explanationPaths(o.explain, files);
  const pictures = images.subarray(0, files.length * size);
  const { probs, explanations } = await runOnGpu(o, loaded, form, pictures, files.length, printer, pngs !== null);
  const classes = loaded.model.classes;
  const predictions: PicturePrediction[] = files.map((file, i) => ({ file, probabilities: Array.from(probs.subarray(i * classes, (i + 1) * classes)) }));
  const explained: (ExplanationJson | undefined)[] = [];
  if (pngs) {
    if (explanations?.length !== files.length) throw new Error(`--explain: ${explanations?.length ?? 0} explanations came back for ${files.length} pictures`);
    const shape = loaded.model.inputShape;
    for (const [i, p] of predictions.entries()) {
      const e = decodeExplanation(explanations[i], p.probabilities);
      explained.push(await writeExplanation(pngs[i], e, pictures.subarray(i * size, (i + 1) * size), shape, form.classNames));
    }
    printer.note(`Explanations written: ${pngs.length === 1 ? pngs[0] : `${pngs.length} PNGs in ${o.explain}`}`);
  }
  if (o.json) process.stdout.write(`${JSON.stringify(predictions.map((p, i) => ({ ...predictionJson(p, form.classNames), ...(explained[i] ? { explanation: explained[i] } : {}) })))}\n`);
  else for (const p of predictions) process.stdout.write(`${predictionLine(p, form.classNames, o.top)}\n`);
}

async function predictNumbers(o: PredictOptions, loaded: InitialModel, form: InputForm, files: PictureFile[], skipped: SkippedFile[], printer: EventPrinter): Promise<void> {
  const pictures: { file: string; picture: GrayImage }[] = [];
  await eachPicture(files, skipped, (file, image) => pictures.push({ file, picture: readerPicture(image) }));
  reportSkipped(skipped, pictures.length);
  // the reader's model says whether each piece is one digit; MODEL reads the digits (unless it is such a model itself)
  const reader = loaded.model.classes === DIGITS ? await loadInitialModel(READER_MODEL_FILE, null) : null;
  const classify: BatchClassifier = async (fields, n) => {
    const own = (await runOnGpu(o, loaded, form, fields, n, printer)).probs;
    if (!reader) return own;
    const notOne = (await runOnGpu(o, reader, inputForm(reader.path, reader.model, reader.dataset), fields, n, printer)).probs;
    return withDigitsFrom(notOne, own, n);
  };
  const results = await readNumbers(pictures, classify);
  if (o.json) process.stdout.write(`${JSON.stringify(results.map(numberJson))}\n`);
  else for (const r of results) process.stdout.write(`${numberLine(r)}\n`);
}

commandMain({ name: 'predict', usage: PREDICT_USAGE, parse: parsePredictArgs, run: predict }, process.argv.slice(2)).then((code) => process.exit(code));
