// TEMPORARY timing probe (not part of the suite).
import { it } from 'vitest';
import { createConv2d, conv2dFlops, type Conv2dConfig } from '../../src/layers/conv2d.ts';
import { runDispatches, type Dispatch } from '../../src/gpu/kernel.ts';
import { createBufferWith, createStorageBuffer } from '../../src/gpu/buffers.ts';
import { getGpu } from './gpu-fixture.ts';

it('times', async () => {
  const { root, device } = await getGpu();
  for (const [H, CIN, COUT] of [[28, 1, 32], [13, 32, 64]]) {
    const cfg: Conv2dConfig = { name: 'p', batch: 128, height: H, width: H, inChannels: CIN, outChannels: COUT, kernelOffset: 0, biasOffset: 9 * CIN * COUT };
    const Ho = H - 2;
    const n = 128 * Ho * Ho * COUT;
    const x = createBufferWith(device, Float32Array.from({ length: 128 * H * H * CIN }, () => Math.random()), 'x');
    const p = createBufferWith(device, Float32Array.from({ length: 9 * CIN * COUT + COUT }, () => Math.random() - 0.5), 'p');
    const gr = createStorageBuffer(device, (9 * CIN * COUT + COUT) * 4, 'g');
    const y = createStorageBuffer(device, n * 4, 'y');
    const dy = createBufferWith(device, Float32Array.from({ length: n }, () => Math.random() - 0.5), 'dy');
    const dx = createStorageBuffer(device, 128 * H * H * CIN * 4, 'dx');
    const layer = createConv2d({ root, device }, cfg, { input: x, output: y, params: p, grads: gr, outputGrad: dy, inputGrad: dx });
    const time = async (list: Dispatch[], reps: number) => {
      runDispatches(device, list);
      await device.queue.onSubmittedWorkDone();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) runDispatches(device, list);
      await device.queue.onSubmittedWorkDone();
      return (performance.now() - t0) / reps;
    };
    const f = conv2dFlops(cfg);
    const tf = await time(layer.forward, 5);
    runDispatches(device, layer.forward);
    const [m, fil, red, inp] = layer.backward;
    const tm = await time([m], 5);
    const tfi = await time([fil], 5);
    const tr = await time([red], 5);
    const ti = await time([inp], 5);
    console.log(`H=${H} Cin=${CIN} Cout=${COUT}: fwd ${tf.toFixed(1)} ms (${(f.forward / tf / 1e6).toFixed(2)} GFLOP/s), mask ${tm.toFixed(1)} ms, filter ${tfi.toFixed(1)} ms (${(f.backwardFilter / tfi / 1e6).toFixed(2)} GFLOP/s), reduce ${tr.toFixed(1)} ms, input ${ti.toFixed(1)} ms (${(f.backwardInput / ti / 1e6).toFixed(2)} GFLOP/s)`);
    layer.destroy();
    for (const b of [x, p, gr, y, dy, dx]) b.destroy();
  }
});
