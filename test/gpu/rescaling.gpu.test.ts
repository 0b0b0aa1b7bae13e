// rescaling_forward / rescaling_backward against the float64 reference (test/reference/
// rescaling.ts): y = x * scale + offset and dx = dy * scale, for pixel scaling (1/255), a
// negative scale with an offset, and a tensor spanning several workgroups with a partial last
// one; an inferenceOnly layer builds no backward.
import { describe, expect, it } from 'vitest';
import { createRescaling, RESCALING_WORKGROUP_SIZE } from '../../src/layers/rescaling.ts';
import { createBufferWith, readF32 } from '../../src/gpu/buffers.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { compareToReference } from '../../src/gpu/tolerance.ts';
import { rescalingBackward, rescalingForward } from '../reference/rescaling.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

const CASES = [
  { batch: 2, count: 5 * 5 * 3, scale: 1 / 255, offset: 0, step: 1 }, // pixels 0..255
  { batch: 3, count: 347, scale: -1.75, offset: 0.3, step: 1 / 64 }, // 0..4 in steps of 1/64
];

describe('Rescaling layer', () => {
  for (const { batch, count, scale, offset, step } of CASES) {
    it(`forward + backward match the reference (B=${batch}, count=${count}, scale=${scale.toPrecision(3)}, offset=${offset})`, async () => {
      const { root, device } = await getGpu();
      const n = batch * count;
      const rng = new Rng(n);
      const x = Float32Array.from({ length: n }, () => rng.nextInt(256) * step);
      const dy = Float32Array.from({ length: n }, () => rng.nextFloat() * 2 - 1);
      await expectNoGpuErrors(device, async () => {
        const input = createBufferWith(device, x, 'x');
        const output = createBufferWith(device, new Float32Array(n).fill(123), 'y');
        const outputGrad = createBufferWith(device, dy, 'dy');
        const inputGrad = createBufferWith(device, new Float32Array(n).fill(789), 'dx');
        const config = { name: 'rescale', batch, count, scale, offset, inferenceOnly: false };
        const layer = createRescaling({ root, device }, config, { input, output, outputGrad, inputGrad });
        const infer = createRescaling({ root, device }, { ...config, name: 'rescale_inf', inferenceOnly: true }, { input, output });
        expect(infer.backward).toEqual([]);
        expect(layer.forward[0].workgroups[0] * layer.forward[0].workgroups[1]).toBe(Math.ceil(n / RESCALING_WORKGROUP_SIZE));
        runDispatches(device, [...layer.forward, ...layer.backward]);
        const y = await readF32(device, output, n);
        const dx = await readF32(device, inputGrad, n);
        const yDiff = compareToReference(y, rescalingForward(Float64Array.from(x), scale, offset), 1e-6, 1e-6);
        const dxDiff = compareToReference(dx, rescalingBackward(Float64Array.from(dy), scale), 1e-6, 1e-6);
        console.log(`rescaling B=${batch} count=${count}: y bad ${yDiff.bad} (max abs ${yDiff.maxAbs.toExponential(2)}), dx bad ${dxDiff.bad}`);
        expect(yDiff.bad).toBe(0);
        expect(dxDiff.bad).toBe(0);
        for (const b of [input, output, outputGrad, inputGrad]) b.destroy();
      });
    });
  }
});
