// End-to-end tests of `npm run train`: real runs of the CLI (headless Chromium, WebGPU on
// SwiftShader where there is no GPU). Run with the 'e2e' Vitest project.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTALL_HINT } from '../../src/cli/browser.ts';
import { loadModelFiles, saveModelFiles } from '../../src/io/files.ts';
import { loadKerasModelFile } from '../../src/io/keras-disk.ts';
import { initParams } from '../../src/model/index.ts';
import { PARAM_BUFFER_LENGTH } from '../model/seed-params.ts';
import { CAN_HIDE_SYSTEM, runOnFreshMachine } from './fresh-machine.ts';
import { runProcess, type Run } from './run-process.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';
import { FAKE_BUILD } from './fake-trainer.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** A small model with the general layers (strided 'same' Conv2D, BatchNormalization, AveragePooling2D, Dropout, two Dense). */
const SMALL_CNN = join(ROOT, 'test', 'fixtures', 'models', 'small-cnn.json');
/**
 * Its slots with a choice of kernels in training: the general conv's forward and filter gradient
 * (hand-written or generated GEMM; the first layer has no input gradient) and dense's forward,
 * backward-input and backward-weights; in evaluation the conv's and dense's forward.
 */
const TRAINING_SLOTS = 5;
const EVALUATION_SLOTS = 2;

function train(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runProcess('npm', ['run', '--silent', 'train', '--', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
}

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'train-e2e-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function expectSameBits(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  const i = x.findIndex((v, k) => v !== y[k]);
  expect(i === -1 ? 'identical' : `first difference at ${i}`).toBe('identical');
}

describe('npm run train', () => {
  // Both back ends of the same run, as on a fresh machine with neither a browser nor Vulkan
  // installed (fresh-machine.ts): headless Chromium finds only the npm-shipped Chromium, and Node
  // with the webgpu package (Dawn) only that package's Vulkan loader and SwiftShader.
  const hidden = CAN_HIDE_SYSTEM;
  const sources = {
    browser: [/^Browser: bundled Chromium \(@sparticuz\/chromium \d+\.\d+\.\d+ in .+\), Chromium \d+\./m, ...(hidden ? [/its own NSS libraries/] : [])],
    node: hidden
      ? [/^Vulkan: SwiftShader \S+\/chromium-[^/]+\/vk_swiftshader_icd\.json, loader \S+\/chromium-[^/ ]+$/m, /^Note: no Vulkan GPU driver is installed; using SwiftShader/m]
      : [/^Vulkan: SwiftShader \S+\/chromium-[^/]+\/vk_swiftshader_icd\.json, loader \S+\/chromium-[^/ ]+ \(WEBGPU_VULKAN=bundled\)$/m],
  };
  it.each([
    [`headless Chromium (${hidden ? 'system browser, Vulkan and NSS hidden' : 'WEBGPU_BROWSER=bundled'})`, [], sources.browser],
    [`Node, webgpu package (${hidden ? 'system browser, Vulkan and NSS hidden' : 'WEBGPU_VULKAN=bundled'})`, ['--node'], sources.node],
  ] as const)('trains one epoch on 600 images and prints and writes everything: %s', async (_name, extra, source) => {
    const out = await tempDir();
    const args = ['run', '--silent', 'train', '--', '--epochs', '1', '--limit', '600', '--test-limit', '200', '--out', out, ...extra];
    const run = await runOnFreshMachine('npm', args, { cwd: ROOT, work: await tempDir() });
    expect(run.code, run.stderr).toBe(0);
    const s = run.stdout;
    for (const line of source) expect(`${s}\n${run.stderr}`).toMatch(line);
    // model summary
    expect(s).toContain('Model: "sequential"');
    expect(s).toContain('Total params: 225,034');
    // start, epoch line, test result
    expect(s).toMatch(/WebGPU adapter: .+/);
    expect(s).toContain('Training on 540 images, validating on 60');
    expect(s).toContain('Epoch 1/1');
    expect(s).toMatch(/^5\/5 - \S+ - \S+\/step - loss: \d+\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d+\.\d{4} - val_accuracy: \d\.\d{4}$/m);
    expect(s).toMatch(/^Test loss: \d+\.\d{4} - test accuracy: \d\.\d{4}$/m);
    // ten sample images with their labels
    expect(s).toMatch(/First 10 test images/);
    expect(s.match(/true \d pred \d[✓✗]/g)).toHaveLength(10);
    expect(s).toMatch(/true 7 pred \d/); // the first test image is a 7
    // files
    const model = await loadModelFiles(join(out, 'model.json'));
    expect(model.params.length).toBe(PARAM_BUFFER_LENGTH);
    expect(model.renamed).toEqual([]);
    const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8'));
    expect(history.epochs).toHaveLength(1);
    for (const k of ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'seconds']) expect(typeof history.epochs[0][k]).toBe('number');
    expect(history.epochs[0].loss).toBeLessThan(2.5);
    expect(typeof history.test.loss).toBe('number');
    expect(history.test.accuracy).toBeGreaterThan(0.2);
    // The adapter, printed and recorded.
    expect(history.adapter).toMatch(/\S/);
    expect(s).toContain(`WebGPU adapter: ${history.adapter}\n`);
  });

  it('round-trips --init weights through the page bit for bit (stand-in trainer)', async () => {
    const dir = await tempDir();
    const initial = initParams(DEFAULT_MODEL.params, 1234);
    initial[5] = -0;
    await saveModelFiles(join(dir, 'init'), DEFAULT_MODEL, initial);
    const run = await train(['--epochs', '2', '--init', join(dir, 'init'), '--out', join(dir, 'out'), '--validation-split', '0'], {
      MNIST_TRAINER_MODULE: 'test/cli/fake-trainer.ts',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Starting from ${join(dir, 'init', 'model.json')}`);
    expect(run.stdout).toContain('Epoch 2/2');
    // --adapter auto (the default): a software adapter comes with a one-line notice.
    const adapter = run.stdout.match(/^WebGPU adapter: (.+)$/m)![1];
    expect(run.stdout.includes('Note: Chromium found no GPU adapter; using SwiftShader')).toBe(adapter.includes('(software fallback)'));
    expect(run.stdout).toContain('Test loss: 0.1250 - test accuracy: 0.8750');
    expect(run.stdout).toContain('9/10 right');
    expect(run.stdout).toContain('Trainer built: 3 pipelines compiled (1 of them for evaluation) in 1.3 s');
    const back = await loadModelFiles(join(dir, 'out'));
    expectSameBits(back.params, initial);
    const history = JSON.parse(await readFile(join(dir, 'out', 'history.json'), 'utf8'));
    expect(history).toEqual({
      epochs: [
        { loss: 0.5, accuracy: 0.9, val_loss: 0.4, val_accuracy: 0.95, seconds: 0.25 },
        { loss: 0.25, accuracy: 0.9, val_loss: 0.2, val_accuracy: 0.95, seconds: 0.25 },
      ],
      test: { loss: 0.125, accuracy: 0.875 },
      adapter: expect.any(String),
      build: FAKE_BUILD,
      init: join(dir, 'init', 'model.json'),
      dataset: { name: 'mnist', classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], imageShape: [28, 28, 1], scaling: 'divide-255' },
      // --autotune auto: the fixed rules on a software adapter (a hardware one tunes the seed's slots).
      autotune: expect.objectContaining({ mode: 'auto', active: adapter.includes('(software fallback)') ? 'off' : 'on' }),
    });
    if (history.autotune.active === 'off') expect(history.autotune).toEqual({ mode: 'auto', active: 'off', timing: null, slots: [] });
    else expect(history.autotune.slots.length).toBeGreaterThan(0);
  });

  it('--autotune on: a corrupt cache file is ignored with one warning and rebuilt with the tuned slots; history.json records them (stand-in trainer)', async () => {
    const dir = await tempDir();
    const cacheFile = join(dir, 'cache', 'webgpu-mnist-trainer', 'autotune.json');
    await mkdir(dirname(cacheFile), { recursive: true });
    await writeFile(cacheFile, '{"schema": "webgpu-mnist-trainer/autotune", "vers');
    // A small model's slots (its dense layer's kernels): training at batch 8, evaluation at the
    // trainer's evaluation batch. (The seed's ten slots take a minute to tune on SwiftShader.)
    const run = await train(['--model', SMALL_CNN, '--autotune', 'on', '--batch-size', '8', '--epochs', '1', '--out', join(dir, 'out')], {
      MNIST_TRAINER_MODULE: 'test/cli/fake-trainer.ts',
      XDG_CACHE_HOME: join(dir, 'cache'),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.match(/warning: autotuning cache .* ignored and rebuilt: not valid JSON/g)).toEqual([
      expect.stringContaining(`warning: autotuning cache ${cacheFile} ignored`),
    ]);
    expect(run.stdout).toMatch(/^Kernels \(--autotune on, timed with (timestamp queries|wall clock)\):$/m);
    expect(run.stdout).toMatch(/^ {2}dense +backward-input +dense\.backward-input\.\S+ +tuned /m);
    expect(run.stdout).toMatch(/^ {2}dense +forward \(eval\) +dense\.forward\.\S+ +tuned /m);
    const history = JSON.parse(await readFile(join(dir, 'out', 'history.json'), 'utf8'));
    expect(history.autotune).toMatchObject({ mode: 'on', active: 'on', timing: expect.stringMatching(/^(timestamp|wall)$/) });
    const slots: { plan: string; batch: number; source: string }[] = history.autotune.slots;
    expect(slots.map((s) => `${s.plan} ${s.batch} ${s.source}`)).toEqual([...Array(TRAINING_SLOTS).fill('training 8 tuned'), ...Array(EVALUATION_SLOTS).fill('evaluation 500 tuned')]);
    const cache = JSON.parse(await readFile(cacheFile, 'utf8'));
    expect(cache).toMatchObject({ schema: 'webgpu-mnist-trainer/autotune', version: 1 });
    expect(Object.keys(cache.entries)).toHaveLength(slots.length);
  });

  it('--adapter gpu trains on a hardware adapter or refuses clearly (stand-in trainer)', async () => {
    const dir = await tempDir();
    const run = await train(['--adapter', 'gpu', '--epochs', '1', '--out', dir], { MNIST_TRAINER_MODULE: 'test/cli/fake-trainer.ts' });
    if (run.code === 0) {
      expect(run.stdout).toMatch(/^WebGPU adapter: .+$/m);
      expect(run.stdout).not.toContain('(software fallback)');
    } else {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/--adapter gpu: Chromium found (only a software adapter|no WebGPU adapter)/);
    }
  });

  it('exits 2 with a clear message on a bad option', async () => {
    const run = await train(['--epochs', 'abc']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--epochs: expected a positive integer, got "abc"');
    expect(run.stdout).toBe('');
  });

  it('prints the help', async () => {
    const run = await train(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: npm run train');
  });

  it('rejects a bad --init model before starting the browser', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', weightsManifest: [{ paths: ['w.bin'], weights: [] }] }));
    await writeFile(join(dir, 'w.bin'), new Uint8Array(0));
    const run = await train(['--init', dir, '--out', join(dir, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('conv2d/kernel: missing');
    expect(run.stdout).not.toContain('Model: "sequential"');
  });

  it('names the install hint when there is no browser', async () => {
    const dir = await tempDir();
    const run = await train(['--out', dir], { CHROMIUM_PATH: join(dir, 'no-such-chromium') });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(INSTALL_HINT);
  });

  // small-cnn's options of the two tests below; its one-epoch run (in `first`), made once for both.
  const smallOptions = ['--no-shuffle', '--limit', '1024', '--test-limit', '500', '--adapter', 'swiftshader'];
  const smallCommon = ['--model', SMALL_CNN, ...smallOptions];
  let firstSmallRun: Promise<{ dir: string; run: Run }> | undefined;
  const firstSmall = () =>
    (firstSmallRun ??= tempDir().then(async (dir) => ({ dir, run: await train([...smallCommon, '--epochs', '1', '--out', join(dir, 'first')]) })));

  it('a model with the new layers trains; model.keras with Adam continues byte-identically, and evaluate reads it', async () => {
    // BatchNormalization's moving statistics and Adam's moments continue through model.keras.
    const common = smallCommon;
    const wholeDir = await tempDir();
    const [{ dir, run: first }, whole] = await Promise.all([firstSmall(), train([...common, '--epochs', '2', '--out', wholeDir])]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(first.code, first.stderr).toBe(0);
    // The second epoch from the first run's model.keras (weights and Adam's moments and step).
    const rest = await train([...common, '--epochs', '1', '--init', join(dir, 'first', 'model.keras'), '--out', join(dir, 'rest')]);
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toContain('continuing its Adam state (step 8)'); // 921 training images: 8 steps of 128
    // What building the trainer cost, printed and recorded in history.json (its evaluation model's part among it).
    const built = whole.stdout.match(/^Trainer built: (\d+) pipelines compiled \((\d+) of them for evaluation\) in \d+\.\d s$/m);
    expect(built, whole.stdout).not.toBeNull();
    const [pipelines, evaluation] = built!.slice(1).map(Number);
    const wholeHistory = JSON.parse(await readFile(join(wholeDir, 'history.json'), 'utf8'));
    expect(Number.isInteger(wholeHistory.build.pipelines) && wholeHistory.build.pipelines > 0).toBe(true);
    expect(wholeHistory.build.pipelines).toBe(pipelines);
    expect(wholeHistory.build.evaluation.pipelines).toBe(evaluation);
    expect(evaluation).toBeGreaterThan(0);
    expect(evaluation).toBeLessThan(pipelines);
    expect(wholeHistory.build.ms).toBeGreaterThan(0);
    const a = await readFile(join(wholeDir, 'weights.bin'));
    const b = await readFile(join(dir, 'rest', 'weights.bin'));
    expect(Buffer.compare(a, b)).toBe(0);

    // The README's two ways to a JSON file: npm --silent with stdout redirected, and --json-out.
    const jsonOut = join(dir, 'test.json');
    const evaluated = await runProcess('npm', ['run', '--silent', 'evaluate', '--', join(dir, 'rest', 'model.keras'), '--json', '--json-out', jsonOut, '--test-limit', '500', '--adapter', 'swiftshader'], { cwd: ROOT, env: process.env });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const figures = JSON.parse(evaluated.stdout) as { loss: number; accuracy: number; count: number };
    expect(JSON.parse(await readFile(jsonOut, 'utf8'))).toEqual(figures);
    const history = JSON.parse(await readFile(join(dir, 'rest', 'history.json'), 'utf8')) as { test: { loss: number; accuracy: number } };
    expect(figures.count).toBe(500);
    expect(figures.accuracy).toBe(history.test.accuracy);
    expect(figures.loss).toBeCloseTo(history.test.loss, 10);

    expect(rest.stdout).toContain('Total params: 3,378 (13.20 KB)');
    expect(rest.stdout).toContain(' Non-trainable params: 8 (32.00 B)');
    const bad = await train(['--model', 'lenet5', '--dropout', '0.1,0.2', '--out', join(dir, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('dropout: the model has no Dropout layer, got 2 rates');
  });

  it('--init fine-tunes on another dataset with the first layer frozen: its weights stay bit for bit, the rest trains, history.json names the file', async () => {
    const { dir, run: first } = await firstSmall();
    expect(first.code, first.stderr).toBe(0);
    const config = JSON.parse(await readFile(SMALL_CNN, 'utf8'));
    config.config.layers[1].config.trainable = false; // conv2d (after the InputLayer)
    const frozen = join(dir, 'small-cnn-frozen-conv2d.json');
    await writeFile(frozen, JSON.stringify(config));
    const init = join(dir, 'first', 'model.keras');
    const [tuned, other] = await Promise.all([
      train(['--model', frozen, '--init', init, '--dataset', 'fashion-mnist', ...smallOptions, '--epochs', '1', '--out', join(dir, 'tuned')]),
      train(['--model', 'lenet5', '--init', init, '--out', join(dir, 'other')]),
    ]);
    expect(tuned.code, tuned.stderr).toBe(0);
    expect(tuned.stdout).toContain(`Starting from ${init}`);
    // conv2d's 3x3x1x4 + 4 = 40 weights join BatchNormalization's 8 moving statistics.
    expect(tuned.stdout).toContain('Trainable params: 3,330 (13.01 KB)');
    expect(tuned.stdout).toContain(' Non-trainable params: 48 (192.00 B)');
    expect(tuned.stdout).toContain("the file's Adam state (step 8) is not used: this run freezes other layers than the file, so its optimizer starts fresh");

    const before = await loadModelFiles(join(dir, 'first'));
    const after = await loadModelFiles(join(dir, 'tuned'));
    expect(after.model.spec.layers[0]).toMatchObject({ name: 'conv2d', trainable: false });
    for (const p of after.model.params.entries) {
      const bits = (flat: Float32Array) => Buffer.from(flat.buffer, flat.byteOffset + p.offset * 4, p.size * 4);
      const same = bits(before.params).equals(bits(after.params));
      expect(same ? 'unchanged' : 'changed', p.name).toBe(p.layer === 'conv2d' ? 'unchanged' : 'changed');
    }
    const history = JSON.parse(await readFile(join(dir, 'tuned', 'history.json'), 'utf8')) as { init: string; epochs: unknown[] };
    expect(history.init).toBe(init);
    expect(history.epochs).toHaveLength(1);
    const keras = (await loadKerasModelFile(join(dir, 'tuned', 'model.keras'))).model.spec;
    expect(keras.layers.map((l) => l.trainable !== false)).toEqual([false, true, true, true, true, true, true]);

    // --model must be the file's network.
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`error: --init ${init}: its model is not the network of --model lenet5 (8 layers against 7 in the file)`);
    expect(other.stdout).not.toContain('Model: "');
  });
});
