// `npm run predict`'s command line (predict-options.ts), how a picture becomes the model's input
// (predict-input-form.ts: the dataset the model records, else its input shape), the text and
// JSON of a prediction (predict-report.ts), and the pictures a command line names
// (predict-files.ts: folders walked in sorted order, non-pictures skipped, a missing path refused).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePredictArgs, DEFAULT_TOP } from '../../src/cli/predict-options.ts';
import { inputForm } from '../../src/cli/predict-input-form.ts';
import { predictionJson, predictionLine, topClasses } from '../../src/cli/predict-report.ts';
import { decodePictureFile, listPictures } from '../../src/cli/predict-files.ts';
import { digitModelProblem } from '../../src/cli/predict-numbers.ts';
import { builtinDescription } from '../../src/data/image-dataset.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { presetSpec } from '../../src/model/presets.ts';
import { encodePng } from '../data/images/encode.ts';

const parse = (...args: string[]) => parsePredictArgs(args);
const model = (shape: number[], units: number, rescaling = false) =>
  modelInfo(
    parseModelConfig({
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'InputLayer', config: { batch_shape: [null, ...shape] } },
          ...(rescaling ? [{ class_name: 'Rescaling', config: { scale: 1 / 255 } }] : []),
          { class_name: 'Flatten', config: {} },
          { class_name: 'Dense', config: { units, activation: 'softmax' } },
        ],
      },
    }),
  );

describe('predict options', () => {
  it('takes a model, then pictures and folders, with --json, --top, --numbers, --adapter, --node', () => {
    expect(parse('m.keras', 'a.png', 'dir')).toEqual({ model: 'm.keras', inputs: ['a.png', 'dir'], json: false, top: DEFAULT_TOP, numbers: false, explain: null, camLayer: null, adapter: 'auto', node: false });
    expect(parse('run', 'a.png', '--json', '--top', '5', '--adapter', 'swiftshader', '--node')).toMatchObject({ json: true, top: 5, adapter: 'swiftshader', node: true });
    expect(parse('run', 'a.png', '--numbers')).toMatchObject({ numbers: true });
    expect(parse('-h')).toBe('help');
  });

  it('refuses a missing model or picture, a bad --top, --top with --numbers, an unknown option', () => {
    expect(() => parse()).toThrow(/^expected the path of a model/);
    expect(() => parse('m.keras')).toThrow('expected pictures or folders of pictures after the model m.keras');
    for (const bad of ['0', '-1', '2.5', 'three', '']) expect(() => parse('m', 'a.png', `--top=${bad}`)).toThrow(`--top: expected a positive integer, got "${bad}"`);
    expect(() => parse('m', 'a.png', '--numbers', '--top', '2')).toThrow(/--top applies to pictures classified whole/);
    expect(parse('m', 'a.png', '--explain', 'why.png')).toMatchObject({ explain: 'why.png' });
    expect(() => parse('m', 'a.png', '--numbers', '--explain', 'x.png')).toThrow('--explain applies to pictures classified whole, not to --numbers');
    expect(() => parse('m', 'a.png', '--explain=')).toThrow('--explain: expected a PNG file or a folder');
    expect(parse('m', 'a.png', '--explain', 'why.png', '--cam-layer', 'conv2d')).toMatchObject({ explain: 'why.png', camLayer: 'conv2d' });
    expect(() => parse('m', 'a.png', '--cam-layer', 'conv2d')).toThrow('--cam-layer applies with --explain (the layer Grad-CAM weighs)');
    expect(() => parse('m', 'a.png', '--explain', 'x.png', '--cam-layer=')).toThrow('--cam-layer: expected the name of a Conv2D layer of the model');
    expect(() => parse('m', 'a.png', '--adapter', 'cpu')).toThrow(/--adapter: expected auto, gpu or swiftshader, got "cpu"/);
    expect(() => parse('m', 'a.png', '--jsn')).toThrow('unknown option --jsn (did you mean --json?)');
  });
});

describe('the input form of a model', () => {
  it("is the recorded dataset's: size, colour mode, scaling and class names", () => {
    const form = inputForm('m.json', model([28, 28, 1], 10), { ...builtinDescription('fashion-mnist') });
    expect(form).toMatchObject({ target: { height: 28, width: 28, colorMode: 'grayscale' }, scaling: 'divide-255', dataset: 'fashion-mnist', assumed: null });
    expect(form.classNames[0]).toBe('T-shirt/top');
    const rgb = inputForm('m.keras', modelInfo(presetSpec('small-color')), { name: '/data/pets', classNames: 'abcdefghij'.split(''), imageShape: [32, 32, 3], scaling: 'none' });
    expect(rgb).toMatchObject({ target: { height: 32, width: 32, colorMode: 'rgb' }, scaling: 'none', classNames: 'abcdefghij'.split('') });
  });

  it('is assumed from the input shape without a record, and says so in one line', () => {
    const gray = inputForm('m.keras', model([28, 28, 1], 10), null);
    expect(gray).toMatchObject({ target: { height: 28, width: 28, colorMode: 'grayscale' }, scaling: 'divide-255', classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
    expect(gray.assumed).toBe('m.keras records no dataset: assuming 28x28 grayscale pictures, bytes divided by 255 (as MNIST is given), classes [0, 1, 2, 3, 4, 5, … 4 more]');
    const rgba = inputForm('m.json', model([16, 12, 4], 3, true), null);
    expect(rgba).toMatchObject({ target: { height: 16, width: 12, colorMode: 'rgba' }, scaling: 'none', classNames: ['0', '1', '2'] });
    expect(rgba.assumed).toContain('bytes 0..255 as they are (the model starts with Rescaling)');
  });

  it('refuses an input no picture converts to, and a record that does not fit the model', () => {
    expect(() => inputForm('two.json', model([8, 8, 2], 3), null)).toThrow("two.json: the model's input has 2 channels (8x8x2); a picture gives 1 (grayscale), 3 (rgb) or 4 (rgba), so it cannot be this model's input");
    expect(() => inputForm('m.json', model([28, 28, 1], 3), builtinDescription('mnist'))).toThrow(/^m\.json: the dataset it records does not fit the model: the model's output layer dense \(Dense\) has 3 units, the dataset 10 classes/);
  });

  it('--numbers takes only a 28x28x1 model of the 10 digits, or of the digits and "not one digit"', () => {
    expect(digitModelProblem(model([28, 28, 1], 10))).toBeNull();
    expect(digitModelProblem(model([28, 28, 1], 11))).toBeNull();
    expect(digitModelProblem(modelInfo(presetSpec('small-color')))).toBe('the number reader needs a 10-class 28x28x1 digit model; this one takes 32x32x3 and has 10 classes');
    expect(digitModelProblem(model([28, 28, 1], 3))).toMatch(/has 3 classes$/);
  });
});

describe('the report of a prediction', () => {
  const names = ['cat', 'dog', 'fish'];
  const p = { file: 'pets/a.png', probabilities: [0.2, 0.7, 0.1] };

  it('ranks the classes, the lower label first on a tie', () => {
    expect(topClasses(p.probabilities, names, 2)).toEqual([{ index: 1, name: 'dog', probability: 0.7 }, { index: 0, name: 'cat', probability: 0.2 }]);
    expect(topClasses([0.5, 0.5], ['a', 'b'], 5).map((c) => c.index)).toEqual([0, 1]);
  });

  it('prints the top K with names and percentages, and the JSON of the top class with every probability', () => {
    expect(predictionLine(p, names, 3)).toBe('pets/a.png: dog 70.0%, cat 20.0%, fish 10.0%');
    expect(predictionLine(p, names, 1)).toBe('pets/a.png: dog 70.0%');
    expect(predictionJson(p, names)).toEqual({ file: 'pets/a.png', index: 1, class: 'dog', probabilities: [0.2, 0.7, 0.1] });
  });
});

describe('the pictures a command line names', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('walks folders in sorted order, skips what is not a picture, decodes by content, and refuses a missing path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'predict-files-'));
    dirs.push(dir);
    const png = encodePng({ width: 2, height: 2, colorType: 0, depth: 8, samples: [0, 64, 128, 255] });
    await mkdir(join(dir, 'pics', 'b'), { recursive: true });
    await writeFile(join(dir, 'pics', 'b', 'z.png'), png);
    await writeFile(join(dir, 'pics', 'B.png'), png);
    await writeFile(join(dir, 'pics', 'a.PNG'), png);
    await writeFile(join(dir, 'pics', 'notes.txt'), 'hello');
    await writeFile(join(dir, 'pics', 'empty.gif'), '');
    await writeFile(join(dir, 'named-oddly.dat'), png);
    const listing = await listPictures([join(dir, 'pics'), join(dir, 'named-oddly.dat')]);
    expect(listing.files.map((f) => f.path)).toEqual([join(dir, 'pics/B.png'), join(dir, 'pics/a.PNG'), join(dir, 'pics/b/z.png'), join(dir, 'named-oddly.dat')]);
    expect(listing.skipped).toEqual([
      { rel: join(dir, 'pics/empty.gif'), why: 'empty' },
      { rel: join(dir, 'pics/notes.txt'), why: 'not an image' },
    ]);
    const decoded = await decodePictureFile(listing.files[3]);
    expect('image' in decoded && decoded.image).toMatchObject({ width: 2, height: 2, channels: 1 });
    await writeFile(join(dir, 'text.png'), 'not a picture at all');
    expect(await decodePictureFile({ path: join(dir, 'text.png'), size: 20 })).toEqual({ file: join(dir, 'text.png'), why: expect.stringMatching(/^not a PNG, JPEG, GIF or BMP image/) });
    await expect(listPictures([join(dir, 'nowhere.png')])).rejects.toThrow(`${join(dir, 'nowhere.png')}: no such file or folder`);
  });
});
