// End to end, `npm run predict`: a tiny CNN (test/fixtures/models/tiny-cnn.json, weights drawn
// by seed) saved as TensorFlow.js files recording Fashion-MNIST as its dataset classifies MNIST
// test digits written as files: a folder of grayscale PNGs (one nested deeper, one an RGB PNG
// of another size, one truncated, a note that is not a picture) and a JPEG named on its own.
// The probabilities of --json match the float64 CPU reference of the model
// (test/reference/sequential.ts) on the same decoded and resized pixels; the files that are
// not pictures are listed in one line; the text output names the recorded classes; --explain
// writes one PNG per picture, its saliency and Grad-CAM those of the float64 reference. Bad input
// (a missing picture, a file that is no model, --numbers with a model that is not a digit
// model) fails with one line naming it, before any GPU work. Real runs: headless Chromium on
// SwiftShader.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import jpegJs from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinDescription } from '../../src/data/image-dataset.ts';
import { parseImages, parseLabels } from '../../src/data/idx.ts';
import { decodePictureFile } from '../../src/cli/predict-files.ts';
import { readerPicture } from '../../src/cli/predict-numbers.ts';
import { readPicture } from '../../src/ui/numbers/read-picture.ts';
import { numberPhoto } from '../ui/number-photos.ts';
import { readerClassifier, SHIPPED_MODEL_DIR } from '../ui/shipped-classifier.ts';
import { prepareImage } from '../../src/data/images/prepare-image.ts';
import { mnistDataDir, readMnistFile } from '../../src/data/mnist-node.ts';
import { MNIST_FILES } from '../../src/data/mnist.ts';
import { saveModelFiles } from '../../src/io/files.ts';
import { initParams } from '../../src/model/init.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { softmaxRowsForward } from '../reference/activation-layer.ts';
import { sequentialForward } from '../reference/sequential.ts';
import { encodePng } from '../data/images/encode.ts';
import { runProcess } from './run-process.ts';
import { decode as decodePng } from 'fast-png';
import type { ExplanationJson } from '../../src/cli/predict-explain.ts';
import { referenceExplanation, referenceGradCam } from '../reference/explanation.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TINY_CNN = join(ROOT, 'test', 'fixtures', 'models', 'tiny-cnn.json');
const TINY_RGB = join(ROOT, 'test', 'fixtures', 'models', 'tiny-rgb.json');
/** Largest difference allowed between the GPU's float32 probabilities and the float64 reference's. */
const TOLERANCE = 2e-5;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** MNIST test image `i` as (28, 28) bytes. */
async function mnistDigits(): Promise<(i: number) => Uint8Array> {
  const images = parseImages(await readMnistFile(mnistDataDir(), MNIST_FILES.testImages), MNIST_FILES.testImages);
  return (i) => images.pixels.slice(i * 784, (i + 1) * 784);
}

/** A 28x28 digit enlarged (nearest) to 40x40 RGB, the ink tinted. */
function rgbDigit(gray: Uint8Array): number[] {
  const samples: number[] = [];
  for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) {
    const v = gray[Math.floor((y * 28) / 40) * 28 + Math.floor((x * 28) / 40)];
    samples.push(v, Math.round(v * 0.8), Math.round(v * 0.6));
  }
  return samples;
}

function jpegOf(gray: Uint8Array): Uint8Array {
  const data = new Uint8Array(784 * 4);
  gray.forEach((v, p) => data.set([v, v, v, 255], p * 4));
  return new Uint8Array(jpegJs.encode({ data, width: 28, height: 28 }, 90).data);
}

describe('npm run predict, end to end', () => {
  it('classifies pictures as the reference computes them, lists the files skipped, names the classes; refuses bad input in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'predict-e2e-'));
    dirs.push(dir);
    const digit = await mnistDigits();
    const pics = join(dir, 'pics');
    await mkdir(join(pics, 'more'), { recursive: true });
    for (let i = 0; i < 4; i++) await writeFile(join(pics, `${i}.png`), encodePng({ width: 28, height: 28, colorType: 0, depth: 8, samples: [...digit(i)] }));
    await writeFile(join(pics, 'more', '4.png'), encodePng({ width: 28, height: 28, colorType: 0, depth: 8, samples: [...digit(4)] }));
    await writeFile(join(pics, 'rgb.png'), encodePng({ width: 40, height: 40, colorType: 2, depth: 8, samples: rgbDigit(digit(5)) }));
    const whole = await readFile(join(pics, '0.png'));
    await writeFile(join(pics, 'broken.png'), whole.subarray(0, whole.length - 40));
    await writeFile(join(pics, 'notes.txt'), 'not a picture');
    const jpeg = join(dir, 'six.jpg');
    await writeFile(jpeg, jpegOf(digit(6)));

    const model = modelInfo(parseModelConfig(JSON.parse(await readFile(TINY_CNN, 'utf8'))));
    // Glorot weights made larger, so that the classes' probabilities differ widely.
    const params = initParams(model.params, 7).map((w) => w * 6);
    const fashion = builtinDescription('fashion-mnist');
    const modelDir = join(dir, 'model');
    await saveModelFiles(modelDir, model, params, { dataset: fashion });
    const rgbModel = modelInfo(parseModelConfig(JSON.parse(await readFile(TINY_RGB, 'utf8'))));
    await saveModelFiles(join(dir, 'rgb-model'), rgbModel, initParams(rgbModel.params, 1));

    // a generated number photo (2 0 2 5 1, the 2 and the 5 touching), read by --numbers with the shipped model
    const testImages = parseImages(await readMnistFile(mnistDataDir(), MNIST_FILES.testImages), MNIST_FILES.testImages);
    const testLabels = parseLabels(await readMnistFile(mnistDataDir(), MNIST_FILES.testLabels), MNIST_FILES.testLabels);
    const photo = numberPhoto(14, { images: testImages.pixels, labels: testLabels });
    const photoFile = join(dir, 'number.png');
    await writeFile(photoFile, encodePng({ width: photo.width, height: photo.height, colorType: 0, depth: 8, samples: [...photo.gray] }));

    const predict = (args: string[]) => runProcess('npm', ['run', '--silent', 'predict', '--', ...args], { cwd: ROOT, env: process.env });
    const [json, text, missing, notModel, numbers, notConv, readNumbers] = await Promise.all([
      predict([modelDir, pics, jpeg, '--json', '--explain', join(dir, 'why'), '--cam-layer', 'conv2d', '--adapter', 'swiftshader']),
      predict([join(modelDir, 'model.json'), pics, jpeg, '--top', '2', '--adapter', 'swiftshader']),
      predict([modelDir, join(dir, 'nowhere.png')]),
      predict([jpeg, pics]),
      predict([join(dir, 'rgb-model'), pics, '--numbers']),
      predict([modelDir, jpeg, '--explain', join(dir, 'nothing.png'), '--cam-layer', 'dense']),
      predict([SHIPPED_MODEL_DIR, photoFile, '--numbers', '--json', '--adapter', 'swiftshader']),
    ]);

    // --numbers: the shipped model's digits and the number reader's model's "not one digit", as the float64 reading of the same picture
    expect(readNumbers.code, readNumbers.stderr).toBe(0);
    const [read] = JSON.parse(readNumbers.stdout) as { reading: string; digits: { digit: number; confidence: number }[] }[];
    const decoded = await decodePictureFile({ path: photoFile, size: (await readFile(photoFile)).length });
    if ('why' in decoded) throw new Error(decoded.why);
    const expected = (await readPicture(readerPicture(decoded.image), (await readerClassifier()).classify)).reading!;
    expect(read.reading).toBe(photo.text);
    expect(read.reading).toBe(expected.text);
    read.digits.forEach((d, i) => expect(Math.abs(d.confidence - expected.digits[i].confidence)).toBeLessThan(1e-3));

    expect(json.code, json.stderr).toBe(0);
    const results = JSON.parse(json.stdout) as { file: string; index: number; class: string; probabilities: number[]; explanation: ExplanationJson }[];
    const files = ['0.png', '1.png', '2.png', '3.png', 'more/4.png', 'rgb.png'].map((f) => `${pics}/${f}`).concat(jpeg);
    expect(results.map((r) => r.file)).toEqual(files);
    const skippedLine = `warning: 2 files skipped (not images, empty or unreadable): ${pics}/notes.txt (not an image), ${pics}/broken.png (damaged PNG`;
    expect(json.stderr).toContain(skippedLine);

    // The reference: the same files decoded and resized by the project's reader, divided by 255 (the record's scaling), through the float64 forward.
    const target = { height: 28, width: 28, colorMode: 'grayscale' as const };
    const x = new Float64Array(files.length * 784);
    for (const [i, f] of files.entries()) prepareImage(new Uint8Array(await readFile(f)), target).forEach((v, p) => (x[i * 784 + p] = v / 255));
    const { logits } = sequentialForward(model, Float64Array.from(params), x, null);
    const reference = softmaxRowsForward(logits, files.length, 10);
    let worst = 0;
    results.forEach((r, i) => {
      expect(r.probabilities).toHaveLength(10);
      r.probabilities.forEach((p, c) => (worst = Math.max(worst, Math.abs(p - reference[i * 10 + c]))));
      const best = r.probabilities.indexOf(Math.max(...r.probabilities));
      expect([r.index, r.class]).toEqual([best, fashion.classNames[best]]);
    });
    expect(worst).toBeLessThan(TOLERANCE);
    // Weights that make every picture the same class would prove little.
    expect(new Set(results.map((r) => r.index)).size).toBeGreaterThan(1);

    // --explain: one PNG per picture, named after its path under the pictures' common folder; the saliency of the first picture equals
    // central finite differences of the float64 reference's logit of the explained class.
    const pngNames = ['pics_0.png', 'pics_1.png', 'pics_2.png', 'pics_3.png', 'pics_more_4.png', 'pics_rgb.png', 'six.png'].map((n) => join(dir, 'why', n));
    expect(results.map((r) => r.explanation.png)).toEqual(pngNames);
    for (const [i, r] of results.entries()) {
      expect(r.explanation.explained).toBe(r.index);
      const png = decodePng(await readFile(pngNames[i]));
      expect(png.width).toBeGreaterThan(3 * 28);
      expect(png.text.Description).toContain(`explained: ${fashion.classNames[r.index]}`);
      expect(r.explanation.saliency.shape).toEqual([28, 28, 1]);
      expect(r.explanation.gradCam?.values.length).toBe(r.explanation.gradCam!.height * r.explanation.gradCam!.width);
    }
    // Every picture's saliency and Grad-CAM equal the float64 reference's (the layer references,
    // each checked by finite differences); a picture whose ReLUs are all shut has none, and
    // most here do have one.
    const within = (got: number[], want: Float64Array) => {
      const scale = Math.max(...Array.from(want, Math.abs));
      return got.length === want.length && got.every((v, p) => Math.abs(v - want[p]) <= 1e-5 * scale + 1e-4 * Math.abs(want[p]));
    };
    let lively = 0;
    for (const [i, r] of results.entries()) {
      const ref = referenceExplanation(model, params, Float32Array.from(x.subarray(i * 784, (i + 1) * 784)), r.index, 'conv2d');
      if (ref.saliency.some((v) => v !== 0)) lively++;
      expect(within(r.explanation.saliency.values, ref.saliency), `saliency of ${files[i]}`).toBe(true);
      expect(r.explanation.gradCam?.layer).toBe('conv2d');
      expect(within(r.explanation.gradCam!.values, referenceGradCam(ref.camActivation, ref.camGrad, ref.camShape)), `Grad-CAM of ${files[i]}`).toBe(true);
    }
    expect(lively).toBeGreaterThan(files.length / 2);

    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toContain(skippedLine);
    expect(text.stdout).toMatch(/^Pictures read as 28x28 grayscale, as the images of fashion-mnist \(the dataset the model records\)$/m);
    const lines = text.stdout.split('\n').filter((l) => l.startsWith(dir));
    expect(lines).toHaveLength(files.length);
    lines.forEach((line, i) => {
      const ranked = results[i].probabilities.map((p, c) => ({ p, c })).sort((a, b) => b.p - a.p);
      const named = ranked.slice(0, 2).map(({ p, c }) => `${fashion.classNames[c]} ${(p * 100).toFixed(1)}%`);
      expect(line).toBe(`${files[i]}: ${named.join(', ')}`);
    });

    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: ${join(dir, 'nowhere.png')}: no such file or folder. Run \`npm run predict -- --help\` for the options.\n`);
    expect(notModel.code).toBe(2);
    expect(notModel.stderr.split('\n')).toHaveLength(2);
    expect(notModel.stderr).toMatch(new RegExp(`^error: ${jpeg}: `));
    expect(notConv.code).toBe(2);
    expect(notConv.stderr).toMatch(/^error: --cam-layer dense: .*model\/model\.json has no Conv2D layer of that name \(its Conv2D layers: conv2d\)\. Run `npm run predict -- --help` for the options\.\n$/);
        expect(numbers.code).toBe(2);
    expect(numbers.stderr).toMatch(/^error: --numbers: .*rgb-model\/model\.json: the number reader needs a 10-class 28x28x1 digit model; this one takes 8x8x3 and has 3 classes\./);
  });
});
