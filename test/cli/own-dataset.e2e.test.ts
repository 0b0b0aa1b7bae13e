// End to end, the user's own images: a generated folder of three colour classes (PNG and BMP of
// mixed sizes, a note that is not a picture) trains a tiny RGB model (Rescaling, Conv2D, Dense)
// for one epoch with `npm run train -- --dataset FOLDER`; the dataset is recorded in
// history.json, model.json and model.keras; `npm run evaluate` of the model finds the dataset
// it records (its pack now loaded from the cache) and gives the run's test figures, and with
// --dataset mnist it refuses before any GPU work. Real runs: headless Chromium on SwiftShader.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeBmp, encodePng } from '../data/images/encode.ts';
import { runProcess } from './run-process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** Input 8x8x3: Rescaling(1/255), Conv2D 4 3x3 ReLU, Flatten, Dense 3 softmax. */
const TINY_RGB = join(ROOT, 'test', 'fixtures', 'models', 'tiny-rgb.json');
const CLASSES = ['blue', 'green', 'red'];

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** 12 pictures per class, strongest in the class's channel, 8x8 to 12x16, every fourth a BMP. */
async function colourFolder(root: string): Promise<void> {
  for (const [k, name] of CLASSES.entries()) {
    const channel = 2 - k; // blue, green, red
    await mkdir(join(root, name), { recursive: true });
    for (let i = 0; i < 12; i++) {
      const width = 8 + (i % 3) * 4;
      const height = 8 + (i % 2) * 4;
      const samples: number[] = [];
      for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) samples.push(c === channel ? 150 + ((p * 7 + i * 13) % 100) : (p * 11 + i) % 90);
      const bytes = i % 4 === 0 ? encodeBmp({ width, height, bitsPerPixel: 24, pixels: samples }) : encodePng({ width, height, colorType: 2, depth: 8, samples });
      await writeFile(join(root, name, `${i}.${i % 4 === 0 ? 'bmp' : 'png'}`), bytes);
    }
  }
  await writeFile(join(root, 'green', 'notes.txt'), 'not a picture');
}

describe('own datasets, end to end', () => {
  it('trains on a folder of class folders, records it, and evaluate uses it (and refuses another)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'own-dataset-e2e-'));
    dirs.push(dir);
    const data = join(dir, 'colours');
    await colourFolder(data);
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
    const out = join(dir, 'out');
    const trained = await runProcess('npm', ['run', '--silent', 'train', '--', '--model', TINY_RGB, '--dataset', data, '--test-split', '0.25', '--epochs', '1', '--batch-size', '8', '--out', out, '--adapter', 'swiftshader'], { cwd: ROOT, env });
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(new RegExp(`^Dataset: ${data}: 3 classes \\[blue, green, red\\], 27 training and 9 test images of 8x8x3, 0\\.25 of each class held out for testing; decoded in \\d+\\.\\d s into ${dir}/cache/webgpu-mnist-trainer/datasets/[0-9a-f]{64}\\.pack$`, 'm'));
    expect(trained.stderr).toContain('warning: 1 file skipped (not images, empty or unreadable): green/notes.txt (not an image)\n');
    expect(trained.stderr).not.toContain('is not Rescaling');
    expect(trained.stdout).toMatch(/^ {2}1\. true (blue|green|red), +pred (blue|green|red) [✓✗] \(\d+\.\d%\)$/m);

    const recorded = { name: data, classNames: CLASSES, imageShape: [8, 8, 3], scaling: 'none', testSplit: 0.25 };
    const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8'));
    expect(history.dataset).toEqual(recorded);
    expect(JSON.parse(await readFile(join(out, 'model.json'), 'utf8')).userDefinedMetadata).toEqual({ webgpu_trainer: { dataset: recorded } });
    const keras = unzipSync(new Uint8Array(await readFile(join(out, 'model.keras'))));
    expect(JSON.parse(new TextDecoder().decode(keras['metadata.json'])).webgpu_trainer).toEqual({ dataset: recorded });

    const evaluate = (args: string[]) => runProcess('npm', ['run', '--silent', 'evaluate', '--', join(out, 'model.keras'), '--adapter', 'swiftshader', ...args], { cwd: ROOT, env });
    const [same, other] = await Promise.all([evaluate(['--json']), evaluate(['--dataset', 'mnist'])]);
    expect(same.code, same.stderr).toBe(0);
    const figures = JSON.parse(same.stdout);
    expect(figures).toMatchObject({ dataset: data, count: 9, accuracy: history.test.accuracy });
    expect(figures.loss).toBeCloseTo(history.test.loss, 10);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      new RegExp(`^error: --dataset mnist: the model was trained on ${data}, another dataset: classes \\[0, 1, 2, 3, 4, 5, … 4 more\\] \\(the model's: \\[blue, green, red\\]\\), images 28x28x1 \\(the model's: 8x8x3\\), input scaling divide-255 \\(the model's: none\\); give --dataset ${data}, or --allow-dataset-mismatch to evaluate anyway\\.`),
    );
    expect(other.stderr).not.toMatch(/Browser:/);
  });
});
