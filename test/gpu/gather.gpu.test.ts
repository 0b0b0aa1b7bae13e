// batch_gather: the batch selected on the GPU by indices[state.batch * B + i] equals the
// CPU-gathered float32(pixel / 255) and labels exactly, for random images, a random index
// buffer and several batch numbers, at batch 1, 37 and 128; and the evaluation path (its
// own StepState-shaped buffer, batch set with setGatherBatch) gives the same result. A batch
// of 21,500 (more than 65,535 workgroups: a 2-D grid) is checked exactly too. Colour images
// (C = 3 and 4), of a size that is a multiple of 4 values (4x4x3) or not (5x5x3: the
// one-value kernel), with the bytes unscaled (the user's own data) or divided by 255.
import { describe, expect, it } from 'vitest';
import { createGather, createGatherState, gatherKernel, setGatherBatch, uploadImages, uploadLabels, GATHER_WORKGROUP_SIZE, type GatherConfig } from '../../src/layers/gather.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';

/** Values per image of the default model's input (28 x 28 x 1). */
const IMAGE_PIXELS = DEFAULT_MODEL.inputSize;
import { createBufferWith, createStorageBuffer, readF32, readU32, writeBuffer } from '../../src/gpu/buffers.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

const IMAGE_COUNT = 301;
const BATCHES = 3;

describe('batch gather', () => {
  for (const B of [1, 37, 128]) {
    it(`gathers pixels/255 and labels exactly (B=${B})`, async () => {
      const { root, device } = await getGpu();
      const rng = new Rng(4242 + B);
      const pixels = Uint8Array.from({ length: IMAGE_COUNT * IMAGE_PIXELS }, () => rng.nextInt(256));
      // Make sure the extremes 0 and 255 occur.
      pixels[0] = 0;
      pixels[1] = 255;
      const labels = Uint8Array.from({ length: IMAGE_COUNT }, () => rng.nextInt(10));
      const indices = Uint32Array.from({ length: BATCHES * B }, () => rng.nextInt(IMAGE_COUNT));
      indices[0] = 0;
      indices[BATCHES * B - 1] = IMAGE_COUNT - 1;

      await expectNoGpuErrors(device, async () => {
        const images = uploadImages(device, pixels, IMAGE_PIXELS);
        const labelBuf = uploadLabels(device, labels);
        const indexBuf = createBufferWith(device, indices, 'indices');
        const state = createStorageBuffer(device, 16, 'state');
        const evalState = createGatherState(device);
        const output = createStorageBuffer(device, B * IMAGE_PIXELS * 4, 'x');
        const outputLabels = createStorageBuffer(device, B * 4, 'labels');
        const ctx = { root, device };
        const train = createGather(ctx, { batch: B, imageCount: IMAGE_COUNT, pixels: IMAGE_PIXELS }, {
          images, labels: labelBuf, indices: indexBuf, state, output, outputLabels,
        });
        const evaluate = createGather(ctx, { batch: B, imageCount: IMAGE_COUNT, pixels: IMAGE_PIXELS }, {
          images, labels: labelBuf, indices: indexBuf, state: evalState, output, outputLabels,
        });
        for (const batch of [0, 2, 1]) {
          for (const mode of ['state', 'eval'] as const) {
            if (mode === 'state') writeBuffer(device, state, Uint32Array.of(5, batch, 99, 0));
            else setGatherBatch(device, evalState, batch);
            runDispatches(device, [mode === 'state' ? train.dispatch : evaluate.dispatch]);
            const x = await readF32(device, output, B * IMAGE_PIXELS);
            const lab = await readU32(device, outputLabels, B);
            let pixelMismatch = 0;
            let labelMismatch = 0;
            for (let s = 0; s < B; s++) {
              const img = indices[batch * B + s];
              if (lab[s] !== labels[img]) labelMismatch++;
              for (let p = 0; p < IMAGE_PIXELS; p++) {
                if (x[s * IMAGE_PIXELS + p] !== Math.fround(pixels[img * IMAGE_PIXELS + p] / 255)) pixelMismatch++;
              }
            }
            console.log(`gather B=${B} batch=${batch} (${mode}): pixel mismatches ${pixelMismatch}, label mismatches ${labelMismatch}`);
            expect(pixelMismatch).toBe(0);
            expect(labelMismatch).toBe(0);
          }
        }
        train.destroy();
        evaluate.destroy();
        for (const b of [images, labelBuf, indexBuf, state, evalState, output, outputLabels]) b.destroy();
      });
    });
  }

  it('large batch past 65,535 workgroups (2-D grid) gathers exactly', async () => {
    const B = 21_500;
    const words = (B * IMAGE_PIXELS) / 4;
    expect(Math.ceil(words / GATHER_WORKGROUP_SIZE)).toBeGreaterThan(MAX_WORKGROUPS_PER_DIMENSION);
    const rng = new Rng(99);
    const pixels = Uint8Array.from({ length: IMAGE_COUNT * IMAGE_PIXELS }, () => rng.nextInt(256));
    const labels = Uint8Array.from({ length: IMAGE_COUNT }, () => rng.nextInt(10));
    const indices = Uint32Array.from({ length: 2 * B }, () => rng.nextInt(IMAGE_COUNT));
    const scale = Float32Array.from({ length: 256 }, (_, p) => p / 255);
    const { x, lab, workgroups: [gx, gy] } = await gatherBatch({ batch: B, imageCount: IMAGE_COUNT, pixels: IMAGE_PIXELS }, pixels, labels, indices, 1);
    expect(gy).toBeGreaterThan(1);
    let pixelMismatch = 0;
    let labelMismatch = 0;
    for (let s = 0; s < B; s++) {
      const img = indices[B + s];
      if (lab[s] !== labels[img]) labelMismatch++;
      const src = img * IMAGE_PIXELS;
      const dst = s * IMAGE_PIXELS;
      for (let p = 0; p < IMAGE_PIXELS; p++) if (x[dst + p] !== scale[pixels[src + p]]) pixelMismatch++;
    }
    console.log(`gather B=${B}: grid ${gx}x${gy}, pixel mismatches ${pixelMismatch}, label mismatches ${labelMismatch}`);
    expect(pixelMismatch).toBe(0);
    expect(labelMismatch).toBe(0);
  });

  it.each([
    [5, 5, 3, 'none', 'gather.forward.bytes-any'],
    [4, 4, 3, 'none', 'gather.forward.bytes'],
    [3, 3, 3, 'divide-255', 'gather.forward.bytes-any'],
    [3, 5, 4, 'none', 'gather.forward.bytes'],
  ] as const)('%ix%ix%i images, scaling %s (%s): exactly the CPU gather', async (h, w, c, scaling, kernelId) => {
    const pixels = h * w * c;
    const count = 23;
    const B = 9;
    const rng = new Rng(pixels);
    const images = Uint8Array.from({ length: count * pixels }, () => rng.nextInt(256));
    images[0] = 255;
    const labels = Uint8Array.from({ length: count }, () => rng.nextInt(3));
    const indices = Uint32Array.from({ length: 2 * B }, () => rng.nextInt(count));
    indices[2 * B - 1] = count - 1;
    const config = { batch: B, imageCount: count, pixels, scaling };
    expect(gatherKernel(config).id).toBe(kernelId);
    const { x, lab } = await gatherBatch(config, images, labels, indices, 1);
    let mismatches = 0;
    for (let s = 0; s < B; s++) {
      const img = indices[B + s];
      expect(lab[s]).toBe(labels[img]);
      for (let p = 0; p < pixels; p++) {
        const byte = images[img * pixels + p];
        if (x[s * pixels + p] !== (scaling === 'none' ? byte : Math.fround(byte / 255))) mismatches++;
      }
    }
    console.log(`gather ${h}x${w}x${c} (${scaling}, ${kernelId}): ${mismatches} mismatches`);
    expect(mismatches).toBe(0);
  });
});

/** Gathers batch `batchNumber` once through the evaluation path; the gathered x, labels and the grid. */
async function gatherBatch(config: GatherConfig, images: Uint8Array, labels: Uint8Array, indices: Uint32Array, batchNumber: number) {
  const { root, device } = await getGpu();
  const B = config.batch;
  let result: { x: Float32Array; lab: Uint32Array; workgroups: readonly number[] } | undefined;
  await expectNoGpuErrors(device, async () => {
    const imageBuf = uploadImages(device, images, config.pixels);
    const labelBuf = uploadLabels(device, labels);
    const indexBuf = createBufferWith(device, indices, 'indices');
    const state = createGatherState(device);
    const output = createStorageBuffer(device, B * config.pixels * 4, 'x');
    const outputLabels = createStorageBuffer(device, B * 4, 'labels');
    const gather = createGather({ root, device }, config, { images: imageBuf, labels: labelBuf, indices: indexBuf, state, output, outputLabels });
    setGatherBatch(device, state, batchNumber);
    runDispatches(device, [gather.dispatch]);
    result = { x: await readF32(device, output, B * config.pixels), lab: await readU32(device, outputLabels, B), workgroups: gather.dispatch.workgroups };
    gather.destroy();
    for (const b of [imageBuf, labelBuf, indexBuf, state, output, outputLabels]) b.destroy();
  });
  return result!;
}
