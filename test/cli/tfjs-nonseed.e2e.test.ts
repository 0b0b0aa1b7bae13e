// A non-seed model built by TensorFlow.js and saved as model.json + weights.bin in a temporary
// folder (test/io/tfjs-nonseed.ts), through the CLI: `npm run evaluate` gives TF.js's own loss
// and accuracy on the first 500 MNIST test images, and `npm run train --init` (the topology
// taken from that model.json) trains it and writes a model that our reader and TF.js read back
// with the same topology, every weight moved. Run with the 'e2e' Vitest project (WebGPU on SwiftShader where
// there is no GPU).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMnistFromDisk } from '../../src/data/mnist-node.ts';
import { loadModelFiles } from '../../src/io/files.ts';
import { buildNonSeedModel, tfjsFigures } from '../io/tfjs-nonseed.ts';
import { layerShapes, loadIntoTfjs, saveWithTfjs, useCpuBackend } from '../io/tfjs-io.ts';
import { runProcess, type Run } from './run-process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TEST_IMAGES = 500; // one evaluation batch

function npmRun(script: string, args: string[]): Promise<Run> {
  return runProcess('npm', ['run', '--silent', script, '--', ...args, '--adapter', 'swiftshader'], { cwd: ROOT, env: process.env });
}

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a TF.js model.json of a non-seed architecture through the CLI', () => {
  it("evaluates to TF.js's loss and accuracy, and trains from --init with the same topology", async () => {
    dir = await mkdtemp(join(tmpdir(), 'tfjs-nonseed-e2e-'));
    await useCpuBackend();
    const tfModel = buildNonSeedModel();
    const saved = await saveWithTfjs(tfModel);
    const want = await tfjsFigures(tfModel, (await loadMnistFromDisk()).test, TEST_IMAGES);
    const shapes = layerShapes(tfModel);
    tfModel.dispose();
    const modelPath = join(dir, 'model.json');
    await writeFile(modelPath, JSON.stringify(saved.modelJson));
    await writeFile(join(dir, saved.weightsPath), new Uint8Array(saved.weightsBin));

    const out = join(dir, 'trained');
    const [evaluated, trained] = await Promise.all([
      npmRun('evaluate', [modelPath, '--json', '--test-limit', String(TEST_IMAGES)]),
      npmRun('train', ['--init', modelPath, '--epochs', '1', '--limit', '256', '--test-limit', String(TEST_IMAGES), '--out', out]),
    ]);

    expect(evaluated.code, evaluated.stderr).toBe(0);
    const got = JSON.parse(evaluated.stdout) as { loss: number; accuracy: number; count: number };
    expect(got.count).toBe(TEST_IMAGES);
    // float32 on both sides: a mean of 500 losses near 2.7 agrees to a few ulps.
    expect(Math.abs(got.loss - want.loss)).toBeLessThan(2e-6);
    // An image whose two best classes lie within 1e-5 may flip in float32: none may differ otherwise.
    expect(Math.abs(got.accuracy - want.accuracy) * TEST_IMAGES).toBeLessThanOrEqual(want.nearTies + 1e-3);

    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toContain('Total params: 958');
    const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8')) as { epochs: { loss: number }[]; test: { loss: number } };
    expect(history.epochs).toHaveLength(1);
    expect(Number.isFinite(history.epochs[0].loss)).toBe(true);
    expect(Number.isFinite(history.test.loss)).toBe(true);
    const before = await loadModelFiles(modelPath);
    const after = await loadModelFiles(join(out, 'model.json'));
    expect(after.model.spec).toEqual(before.model.spec);
    expect(after.model.params.entries.map((p) => `${p.name} ${p.shape.join('x')}`)).toEqual(before.model.params.entries.map((p) => `${p.name} ${p.shape.join('x')}`));
    // TF.js itself loads the trained model (strict: every weight fits) as the same layers.
    const trainedJson = JSON.parse(await readFile(join(out, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    expect(trainedJson.weightsManifest.flatMap((g) => g.paths)).toHaveLength(1);
    const reloaded = await loadIntoTfjs(trainedJson, await readFile(join(out, trainedJson.weightsManifest[0].paths[0])));
    expect(layerShapes(reloaded)).toEqual(shapes);
    reloaded.dispose();
    // Every tensor moved: kernels, biases, gamma and beta by Adam, the moving statistics by training's batch statistics.
    for (const p of before.model.params.entries) {
      const a = before.params.subarray(p.offset, p.offset + p.size);
      const b = after.params.subarray(p.offset, p.offset + p.size);
      expect(a.some((v, i) => v !== b[i]), p.name).toBe(true);
    }
  });
});
