// activation_forward / activation_backward (linear, relu, sigmoid, tanh) and the softmax pair
// against the float64 references (test/reference/activation.ts, activation-layer.ts): counts that
// are not a multiple of 4 (scalar lanes) and that are (vec4 lanes, checked through the dispatch
// size), batch 1 and odd batches, inputs reaching far into the saturated range (|x| up to 100)
// and exact zeros (relu' = 0 there). The backward is checked against the reference evaluated at
// the GPU's own y (it reads y), so its tolerance is a few float32 roundings; y itself is checked
// against the float64 forward.
import { describe, expect, it } from 'vitest';
import { ACTIVATION_WORKGROUP_SIZE, createActivation, SOFTMAX_ROWS_WORKGROUP_SIZE } from '../../src/layers/activation.ts';
import { ELEMENTWISE_ACTIVATIONS, type Activation } from '../../src/model/activations.ts';
import { createBufferWith, createStorageBuffer, readF32 } from '../../src/gpu/buffers.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { activationBackward, activationForward } from '../reference/activation.ts';
import { softmaxRowsBackward, softmaxRowsForward } from '../reference/activation-layer.ts';
import { compareToReference } from '../../src/gpu/tolerance.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

// |y| <= 1 for sigmoid, tanh, softmax (float32 exp/tanh: a few ulps); linear and relu are exact
// selections but share the tolerance; |dy| < 1.
const ATOL = 2e-6;
const RTOL = 1e-5;

/** Mostly [-4, 4), with exact zeros and a few saturating values (|x| up to 100). */
function awkwardInputs(rng: Rng, n: number): Float32Array {
  const special = [0, 0, 30, -30, 100, -100, 15.5, -15.5];
  return Float32Array.from({ length: n }, (_, i) => (i % 9 === 4 ? special[(i / 9) % special.length | 0] : rng.nextFloat() * 8 - 4));
}

function reference(activation: Activation, x: Float64Array, batch: number, count: number): Float64Array {
  return activation === 'softmax' ? softmaxRowsForward(x, batch, count) : activationForward(x, activation);
}

function referenceBackward(activation: Activation, dy: Float64Array, y: Float64Array, batch: number, count: number): Float64Array {
  return activation === 'softmax' ? softmaxRowsBackward(dy, y, batch, count) : activationBackward(dy, y, activation);
}

/** Workgroups the layer must dispatch: vec4 lanes when B*count is a multiple of 4, rows for softmax. */
function expectedGroups(activation: Activation, batch: number, count: number): number {
  if (activation === 'softmax') return Math.ceil(batch / SOFTMAX_ROWS_WORKGROUP_SIZE);
  const total = batch * count;
  return Math.ceil((total % 4 === 0 ? total / 4 : total) / ACTIVATION_WORKGROUP_SIZE);
}

const SHAPES = [
  { batch: 3, count: 337 }, // 1011 elements: scalar lanes
  { batch: 5, count: 260 }, // 1300 elements: vec4 lanes
  { batch: 1, count: 7 },
];
const SOFTMAX_SHAPES = [
  { batch: 3, count: 10 },
  { batch: 1, count: 7 },
  { batch: 5, count: 37 },
];

const cases = [
  ...ELEMENTWISE_ACTIVATIONS.flatMap((activation) => SHAPES.map((s) => ({ activation: activation as Activation, ...s }))),
  ...SOFTMAX_SHAPES.map((s) => ({ activation: 'softmax' as Activation, ...s })),
];

describe('Activation layer', () => {
  for (const { activation, batch, count } of cases) {
    it(`${activation}: forward + backward match the reference (B=${batch}, count=${count})`, async () => {
      const { root, device } = await getGpu();
      const n = batch * count;
      const rng = new Rng(n + activation.length);
      const x = awkwardInputs(rng, n);
      const dy = Float32Array.from({ length: n }, () => rng.nextFloat() * 2 - 1);
      const yRef = reference(activation, Float64Array.from(x), batch, count);
      await expectNoGpuErrors(device, async () => {
        const input = createBufferWith(device, x, 'x'); // (B, count)
        const output = createBufferWith(device, new Float32Array(n).fill(123), 'y'); // (B, count)
        const output2 = createBufferWith(device, new Float32Array(n).fill(456), 'y (inference)'); // (B, count)
        const outputGrad = createBufferWith(device, dy, 'dy'); // (B, count)
        const inputGrad = createBufferWith(device, new Float32Array(n).fill(789), 'dx'); // (B, count)
        const config = { name: 'act', batch, count, activation };
        const layer = createActivation({ root, device }, config, { input, output, outputGrad, inputGrad });
        const infer = createActivation({ root, device }, { ...config, name: 'act_inf', inferenceOnly: true }, { input, output: output2 });
        expect(infer.backward).toEqual([]);
        expect(layer.forward[0].workgroups[0] * layer.forward[0].workgroups[1]).toBe(expectedGroups(activation, batch, count));
        runDispatches(device, [...layer.forward, ...layer.backward, ...infer.forward]);
        const y = await readF32(device, output, n);
        const y2 = await readF32(device, output2, n);
        const dx = await readF32(device, inputGrad, n);
        const dxRef = referenceBackward(activation, Float64Array.from(dy), Float64Array.from(y), batch, count);
        const yDiff = compareToReference(y, yRef, ATOL, RTOL);
        const dxDiff = compareToReference(dx, dxRef, ATOL, RTOL);
        console.log(
          `activation ${activation} B=${batch} count=${count}: y bad ${yDiff.bad} (max abs ${yDiff.maxAbs.toExponential(2)}), ` +
            `dx bad ${dxDiff.bad} (max abs ${dxDiff.maxAbs.toExponential(2)})`,
        );
        expect(yDiff.bad).toBe(0);
        expect(dxDiff.bad).toBe(0);
        expect(Array.from(y2)).toEqual(Array.from(y));
        for (const b of [input, output, output2, outputGrad, inputGrad]) b.destroy();
      });
    });
  }

  it('bad configurations get clear errors', async () => {
    const { root, device } = await getGpu();
    const buf = createStorageBuffer(device, 64, 'unused');
    const all = { input: buf, output: buf, outputGrad: buf, inputGrad: buf };
    expect(() => createActivation({ root, device }, { name: 'a', batch: 1, count: 4, activation: 'gelu' as Activation }, all)).toThrow(
      /a: unknown activation "gelu"/,
    );
    expect(() => createActivation({ root, device }, { name: 'a', batch: 0, count: 4, activation: 'relu' }, all)).toThrow(/a: bad batch 0/);
    expect(() => createActivation({ root, device }, { name: 'a', batch: 1, count: 4, activation: 'relu' }, { input: buf, output: buf })).toThrow(
      /outputGrad and inputGrad are required/,
    );
    buf.destroy();
  });
});
