// Bench variants for the fused memory-bound kernels, timed side by side with the unfused
// kernels on the same data (one run, same machine load):
//   pool + dropout forward:  maxpool_forward + dropout_forward                     vs pool_dropout_forward
//   pool + dropout backward: dropout_backward + maxpool_backward + conv2d_backward_mask vs pool_dropout_backward
//   evaluation pooling:      maxpool_inference                                      vs pool_dropout_inference
//   dropout_2 backward:      dropout_backward vs dropout_relu_backward; dense backward with the
//                            ReLU mask in its loops vs with outputGradMasked.
// Both paths are built here on the plan's activations and upstream gradients (a1/a2, dD1/dD2,
// h, dD3, d2), whichever path the plan itself uses; each fused output is compared with the
// unfused one (error column: max |fused - unfused| / max |unfused|; 0 = bit-identical values).
import { seedBuffers } from './seed-buffers.ts';
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { createStorageBuffer, readF32 } from '../src/gpu/buffers.ts';
import { encodeDispatches, gridFor, Kernel, type Dispatch } from '../src/gpu/kernel.ts';
import { linearIndex } from '../src/gpu/wgsl-lib.ts';
import { C1, C2, FLAT, H1, H2, HIDDEN, P1, P2 } from '../src/model/architecture.ts';
import { paramSpec, PARAM_BUFFER_LENGTH } from '../src/model/params.ts';
import { CONV2D_MASK_WORKGROUP } from '../src/layers/conv2d.ts';
import { createPoolDropout } from '../src/layers/pool-dropout.ts';
import { createDropoutRelu } from '../src/layers/dropout-relu.ts';
import { createDropout } from '../src/layers/dropout.ts';
import { createDense } from '../src/layers/dense.ts';
import { createMaxPool } from '../src/layers/maxpool.ts';
import type { GpuContext } from '../src/layers/types.ts';
import type { ModelPlan } from '../src/train/model-plan.ts';
import type { VariantRow } from './bench-protocol.ts';
import type { GpuTimer, TimerOptions } from '../src/gpu/timing.ts';

/** The plan's dropout layer ids (model-plan.ts DROPOUT_LAYER_IDS). */
const LAYER_IDS = [1, 2, 3] as const;

/** conv2d's ReLU-mask pass (shaders/conv2d_backward_mask.wgsl), built standalone. */
const maskLayout = tgpu.bindGroupLayout({
  y: { storage: d.arrayOf(d.vec4f), access: 'readonly' },
  dy: { storage: d.arrayOf(d.vec4f), access: 'readonly' },
  g: { storage: d.arrayOf(d.vec4f), access: 'mutable' },
});

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
    const diff = Math.abs(a[i] - b[i]);
    if (!(diff <= maxDiff)) maxDiff = Number.isNaN(diff) ? Infinity : diff;
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
  const buf = seedBuffers(plan);
  const rows: VariantRow[] = [];
  const scratch: GPUBuffer[] = [];
  const destroyers: Array<{ destroy(): void }> = [];
  const f32 = (n: number, label: string) => {
    const b = createStorageBuffer(device, n * 4, label);
    scratch.push(b);
    return b;
  };
  const time = async (name: string, list: Dispatch[], error: number, promoted: boolean) => {
    const t = await timer.time(list, budget);
    rows.push({ name, ms: t.ms, gflops: 0, error, promoted });
  };
  const read = (b: GPUBuffer, n: number) => readF32(device, b, n);
  // Promoted = what the plan runs (the fused kernels once model-plan.ts uses them).
  const uses = (shader: string) => plan.layers.some((l) => [...l.forward, ...l.backward].some((x) => x.pipeline.label.startsWith(shader)));
  const fusedPool = uses('pool_dropout_forward');
  const fusedDense = uses('dropout_relu_backward');

  const pools = [
    { pool: 'max_pooling2d', drop: 'dropout', conv: 'conv2d', H: H1, C: C1, P: P1, rate: rates[0], id: LAYER_IDS[0], a: buf.a1, dD: buf.dD1 },
    { pool: 'max_pooling2d_1', drop: 'dropout_1', conv: 'conv2d_1', H: H2, C: C2, P: P2, rate: rates[1], id: LAYER_IDS[1], a: buf.a2, dD: buf.dD2 },
  ];
  for (const s of pools) {
    const inN = B * s.H * s.H * s.C;
    const outN = B * s.P * s.P * s.C;
    const tag = `${s.pool}+${s.drop}`;
    // Unfused: maxpool, dropout, the conv's ReLU mask.
    const p = f32(outN, `${tag} p`);
    const dOld = s.rate > 0 ? f32(outN, `${tag} d`) : p;
    const dP = s.rate > 0 ? f32(outN, `${tag} dP`) : s.dD;
    const dA = f32(inN, `${tag} dA`);
    const gOld = f32(inN, `${tag} g`);
    const mp = createMaxPool(ctx, { name: `${s.pool} (bench)`, batch: B, height: s.H, width: s.H, channels: s.C }, { input: s.a, output: p, outputGrad: dP, inputGrad: dA });
    const dr = createDropout(ctx, { name: `${s.drop} (bench)`, batch: B, count: s.P * s.P * s.C, rate: s.rate, layerId: s.id }, { input: p, output: dOld, outputGrad: s.dD, inputGrad: dP, state });
    const mask = new Kernel(ctx.root, { shader: 'conv2d_backward_mask', layout: maskLayout, variant: `${s.conv} (bench)`, externals: { linearIndex }, constants: { WORKGROUP_SIZE: CONV2D_MASK_WORKGROUP, COUNT4: inN / 4 } });
    const [mx, my] = gridFor(inN / 4, CONV2D_MASK_WORKGROUP, `${s.conv} mask (bench)`);
    const maskDispatch = mask.dispatch(mask.bind({ y: s.a, dy: dA, g: gOld }), mx, my, 1, `${s.conv}/backward_mask (bench)`);
    const oldFwd = [...mp.forward, ...dr.forward];
    const oldBwd = [...dr.backward, ...mp.backward, maskDispatch];
    // Fused.
    const dNew = f32(outN, `${tag} fused out`);
    const gNew = f32(inN, `${tag} fused g`);
    const fused = createPoolDropout(
      ctx,
      { name: `${tag} (bench)`, batch: B, height: s.H, width: s.H, channels: s.C, rate: s.rate, layerId: s.id },
      { input: s.a, output: dNew, outputGrad: s.dD, inputGrad: gNew, state },
    );
    // Evaluation pooling.
    const pInfOld = f32(outN, `${s.pool} inference out`);
    const pInfNew = f32(outN, `${s.pool} vec4 inference out`);
    const infOld = createMaxPool(ctx, { name: `${s.pool} inference (bench)`, batch: B, height: s.H, width: s.H, channels: s.C, inferenceOnly: true }, { input: s.a, output: pInfOld });
    const infNew = createPoolDropout(
      ctx,
      { name: `${s.pool} inference (bench)`, batch: B, height: s.H, width: s.H, channels: s.C, rate: 0, layerId: 0, inferenceOnly: true },
      { input: s.a, output: pInfNew },
    );
    destroyers.push(mp, dr, fused, infOld, infNew);

    run(device, [...oldFwd, ...oldBwd, ...fused.forward, ...fused.backward, ...infOld.forward, ...infNew.forward]);
    const fwdErr = relError(await read(dNew, outN), await read(dOld, outN));
    const bwdErr = relError(await read(gNew, inN), await read(gOld, inN));
    const infErr = relError(await read(pInfNew, outN), await read(pInfOld, outN));
    await time(`${tag} fwd: unfused (${oldFwd.length} kernels)`, oldFwd, 0, !fusedPool);
    await time(`${tag} fwd: pool_dropout_forward`, fused.forward, fwdErr, fusedPool);
    await time(`${tag} bwd: unfused (${oldBwd.length}, incl. ${s.conv} mask)`, oldBwd, 0, !fusedPool);
    await time(`${tag} bwd: pool_dropout_backward`, fused.backward, bwdErr, fusedPool);
    await time(`${s.pool} inference: maxpool_inference`, infOld.forward, 0, !fusedPool);
    await time(`${s.pool} inference: pool_dropout_inference`, infNew.forward, infErr, fusedPool);
  }

  // dropout_2 backward + dense's ReLU mask.
  {
    const rate = rates[2];
    const n = B * HIDDEN;
    const dH = f32(n, 'dropout_2 dH');
    const gH = f32(n, 'dropout_2 fused gH');
    const d3 = f32(n, 'dropout_2 d3 (unused)');
    const drop = { name: 'dropout_2 (bench)', batch: B, count: HIDDEN, rate, layerId: LAYER_IDS[2] };
    const old = createDropout(ctx, drop, { input: buf.h, output: d3, outputGrad: buf.dD3, inputGrad: dH, state });
    const fused = createDropoutRelu(ctx, drop, { input: buf.h, output: d3, outputGrad: buf.dD3, inputGrad: gH, state });
    const dense = {
      name: 'dense (bench)', batch: B, inFeatures: FLAT, outFeatures: HIDDEN, activation: 'relu' as const, useBias: true,
      weightOffset: paramSpec('dense/kernel').offset, biasOffset: paramSpec('dense/bias').offset,
    };
    const [gradsOld, gradsNew] = [f32(PARAM_BUFFER_LENGTH, 'dense grads'), f32(PARAM_BUFFER_LENGTH, 'dense fused grads')];
    const [dxOld, dxNew] = [f32(B * FLAT, 'dense dx'), f32(B * FLAT, 'dense fused dx')];
    const oldDense = createDense(ctx, dense, { input: buf.d2, output: buf.h, params, grads: gradsOld, outputGrad: rate > 0 ? dH : buf.dD3, inputGrad: dxOld });
    const newDense = createDense(ctx, { ...dense, outputGradMasked: true }, { input: buf.d2, output: buf.h, params, grads: gradsNew, outputGrad: gH, inputGrad: dxNew });
    destroyers.push(old, fused, oldDense, newDense);
    run(device, [...old.backward, ...oldDense.backward, ...fused.backward, ...newDense.backward]);
    const [h, dHv, gHv] = [await read(buf.h, n), await read(rate > 0 ? dH : buf.dD3, n), await read(gH, n)];
    const gErr = relError(gHv, dHv.map((v, i) => (h[i] > 0 ? v : 0)));
    const wOff = paramSpec('dense/kernel').offset;
    const dwErr = relError((await read(gradsNew, PARAM_BUFFER_LENGTH)).subarray(wOff, wOff + FLAT * HIDDEN), (await read(gradsOld, PARAM_BUFFER_LENGTH)).subarray(wOff, wOff + FLAT * HIDDEN));
    const dxErr = relError(await read(dxNew, B * FLAT), await read(dxOld, B * FLAT));
    await time(`dropout_2 bwd: dropout_backward`, old.backward, 0, !fusedDense);
    await time(`dropout_2 bwd: dropout_relu_backward`, fused.backward, gErr, fusedDense);
    await time(`dense bwd (${oldDense.backward.length} kernels): ReLU mask in loops`, oldDense.backward, 0, !fusedDense);
    await time(`dense bwd: outputGradMasked`, newDense.backward, Math.max(dwErr, dxErr), fusedDense);
  }
  for (const l of destroyers) l.destroy();
  for (const b of scratch) b.destroy();
  return rows;
}
