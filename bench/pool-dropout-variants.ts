// Bench variants for the fused memory-bound kernels, timed side by side with the unfused
// dispatches of the same training plan (one run, same machine load):
//   max_pooling2d(+_1) + dropout(_1) forward:  maxpool_forward + dropout_forward  vs pool_dropout_forward
//   ... backward: dropout_backward + maxpool_backward + the conv's backward_mask  vs pool_dropout_backward
//   dropout_2 backward: dropout_backward  vs dropout_relu_backward; dense backward with the ReLU
//   mask in its loops vs with outputGradMasked.
// Each fused output is checked against the unfused path's output, recomputed here from the
// plan's current buffers (the per-kernel timings before this re-ran kernels out of order).
import { createStorageBuffer, readF32 } from '../src/gpu/buffers.ts';
import { encodeDispatches, type Dispatch } from '../src/gpu/kernel.ts';
import { C1, C2, FLAT, H1, H2, HIDDEN, P1, P2 } from '../src/model/architecture.ts';
import { paramSpec, PARAM_BUFFER_LENGTH } from '../src/model/params.ts';
import { createPoolDropout } from '../src/layers/pool-dropout.ts';
import { createDropoutRelu } from '../src/layers/dropout-relu.ts';
import { createDense } from '../src/layers/dense.ts';
import type { GpuContext } from '../src/layers/types.ts';
import type { ModelPlan } from '../src/train/model-plan.ts';
import type { VariantRow } from './bench-protocol.ts';
import type { GpuTimer, TimerOptions } from './timing.ts';

/** The plan's dropout layer ids (model-plan.ts DROPOUT_LAYER_IDS). */
const LAYER_IDS = [1, 2, 3] as const;

function run(device: GPUDevice, list: readonly Dispatch[]): void {
  const e = device.createCommandEncoder();
  encodeDispatches(e, list);
  device.queue.submit([e.finish()]);
}

/** max |a - b| / max |b| */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
    maxRef = Math.max(maxRef, Math.abs(b[i]));
  }
  return maxDiff / (maxRef + 1e-30);
}

export async function poolDropoutVariants(
  ctx: GpuContext,
  plan: ModelPlan,
  params: GPUBuffer,
  state: GPUBuffer,
  rates: readonly [number, number, number],
  timer: GpuTimer,
  budget: TimerOptions,
): Promise<VariantRow[]> {
  const { device } = ctx;
  const B = plan.batch;
  const buf = plan.buffers;
  const layer = (name: string) => {
    const l = plan.layers.find((x) => x.name === name);
    if (!l) throw new Error(`bench: plan has no layer ${name}`);
    return l;
  };
  const byLabel = (list: Dispatch[], pattern: RegExp) => list.filter((d) => pattern.test(d.label));
  const rows: VariantRow[] = [];
  const scratch: GPUBuffer[] = [];
  const f32 = (n: number, label: string) => {
    const b = createStorageBuffer(device, n * 4, label);
    scratch.push(b);
    return b;
  };
  const time = async (name: string, list: Dispatch[], error: number, promoted: boolean) => {
    const t = await timer.time(list, budget);
    rows.push({ name, ms: t.ms, gflops: 0, error, promoted });
  };

  const pools = [
    { pool: 'max_pooling2d', drop: 'dropout', conv: 'conv2d', H: H1, C: C1, P: P1, rate: rates[0], id: LAYER_IDS[0], a: 'a1', d: 'd1', dD: 'dD1', dA: 'dA1' },
    { pool: 'max_pooling2d_1', drop: 'dropout_1', conv: 'conv2d_1', H: H2, C: C2, P: P2, rate: rates[1], id: LAYER_IDS[1], a: 'a2', d: 'd2', dD: 'dD2', dA: 'dA2' },
  ];
  for (const s of pools) {
    const inN = B * s.H * s.H * s.C;
    const outN = B * s.P * s.P * s.C;
    const oldFwd = [...layer(s.pool).forward, ...(s.rate > 0 ? layer(s.drop).forward : [])];
    const oldBwd = [
      ...(s.rate > 0 ? layer(s.drop).backward : []),
      ...layer(s.pool).backward,
      ...byLabel(layer(s.conv).backward, /backward_mask/),
    ];
    const out = f32(outN, `${s.pool} fused out`);
    const g = f32(inN, `${s.pool} fused g`);
    const fused = createPoolDropout(
      ctx,
      { name: `${s.pool}+${s.drop}`, batch: B, height: s.H, width: s.H, channels: s.C, rate: s.rate, layerId: s.id },
      { input: buf[s.a], output: out, outputGrad: buf[s.dD], inputGrad: g, state },
    );
    // The unfused path on the current buffers, then the fused one; compare.
    run(device, [...oldFwd, ...oldBwd, ...fused.forward, ...fused.backward]);
    const [a, dRef, dA, dOut, gOut] = await Promise.all([
      readF32(device, buf[s.a], inN),
      readF32(device, buf[s.d], outN),
      readF32(device, buf[s.dA], inN),
      readF32(device, out, outN),
      readF32(device, g, inN),
    ]);
    const gRef = dA.map((v, i) => (a[i] > 0 ? v : 0));
    const fwdErr = relError(dOut, dRef);
    const bwdErr = relError(gOut, gRef);
    await time(`${s.pool}+${s.drop} fwd: unfused (${oldFwd.length} kernels)`, oldFwd, 0, true);
    await time(`${s.pool}+${s.drop} fwd: pool_dropout_forward`, fused.forward, fwdErr, false);
    await time(`${s.pool}+${s.drop} bwd: unfused (${oldBwd.length}, incl. ${s.conv} mask)`, oldBwd, 0, true);
    await time(`${s.pool}+${s.drop} bwd: pool_dropout_backward`, fused.backward, bwdErr, false);
    fused.destroy();
  }

  // dropout_2 backward + dense's ReLU mask.
  {
    const rate = rates[2];
    const n = B * HIDDEN;
    const gH = f32(n, 'dropout_2 fused gH');
    const d3 = rate > 0 ? f32(n, 'dropout_2 fused d3') : buf.h;
    const fused = createDropoutRelu(
      ctx,
      { name: 'dropout_2 fused', batch: B, count: HIDDEN, rate, layerId: LAYER_IDS[2] },
      { input: buf.h, output: d3, outputGrad: buf.dD3, inputGrad: gH, state },
    );
    const oldBwd = rate > 0 ? layer('dropout_2').backward : [];
    const denseOld = layer('dense').backward;
    const grads = f32(PARAM_BUFFER_LENGTH, 'dense fused grads');
    const dx = f32(B * FLAT, 'dense fused dx');
    const dense = createDense(
      ctx,
      {
        name: 'dense (masked dy)', batch: B, inFeatures: FLAT, outFeatures: HIDDEN, relu: true, outputGradMasked: true,
        weightOffset: paramSpec('dense/kernel').offset, biasOffset: paramSpec('dense/bias').offset,
      },
      { input: buf.d2, output: buf.h, params, grads, outputGrad: gH, inputGrad: dx },
    );
    run(device, [...oldBwd, ...denseOld, ...fused.backward, ...dense.backward]);
    const [h, dH, gOut, dD2, dxOut] = await Promise.all([
      readF32(device, buf.h, n),
      readF32(device, buf.dH, n),
      readF32(device, gH, n),
      readF32(device, buf.dD2, B * FLAT),
      readF32(device, dx, B * FLAT),
    ]);
    const gRef = dH.map((v, i) => (h[i] > 0 ? v : 0));
    await time(`dropout_2 bwd: dropout_backward`, oldBwd, 0, true);
    await time(`dropout_2 bwd: dropout_relu_backward`, fused.backward, relError(gOut, gRef), false);
    await time(`dense bwd (${denseOld.length} kernels): ReLU mask in loops`, denseOld, 0, true);
    await time(`dense bwd: outputGradMasked`, dense.backward, relError(dxOut, dD2), false);
    fused.destroy();
    dense.destroy();
  }
  for (const b of scratch) b.destroy();
  return rows;
}
