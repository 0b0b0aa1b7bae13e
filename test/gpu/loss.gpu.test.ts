// softmax_xent_forward / softmax_xent_backward / batch_metrics against the float64 reference
// (test/reference/loss.ts). Random logits (some rows of large magnitude, some with exact ties),
// batch 1, 37, 128, and an evaluation instance of batch 500 with its own StepState.
import { describe, expect, it } from 'vitest';
import { createSoftmaxXent } from '../../src/layers/loss.ts';
import { createStepEnd, createStepState, writeEpochStart, writeStepState } from '../../src/layers/step-state.ts';
import { createBufferWith, createStorageBuffer, readF32, readU32, writeBuffer } from '../../src/gpu/buffers.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { CLASSES } from '../model/seed-architecture.ts';
import { softmaxCrossEntropy } from '../reference/loss.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';
import { compareToReference } from '../../src/gpu/tolerance.ts';

const C = CLASSES;
// float32 tolerances: |gpu - ref| <= ATOL + RTOL * |ref|
const LOSS_ATOL = 2e-6;
const LOSS_RTOL = 2e-6;
const GRAD_ATOL = 1e-7; // dlogits are O(1/B)
const GRAD_RTOL = 1e-5;
const SUM_RTOL = 1e-5;

/** Random logits: normal-ish rows, rows scaled to hundreds (stability), rows with exact ties. */
function makeCase(B: number, seed: number): { logits: Float32Array; labels: Uint32Array } {
  const rng = new Rng(seed);
  const logits = new Float32Array(B * C);
  const labels = new Uint32Array(B);
  for (let n = 0; n < B; n++) {
    const kind = n % 4;
    const scale = kind === 1 ? 400 : 4; // kind 1: |z| up to 400 (exp overflows without the max shift)
    for (let c = 0; c < C; c++) logits[n * C + c] = (rng.nextFloat() * 2 - 1) * scale;
    labels[n] = rng.nextInt(C);
    if (kind === 2) {
      // exact tie for the max between two classes; label on the higher of them -> not correct
      const a = rng.nextInt(C - 1);
      const b = a + 1 + rng.nextInt(C - 1 - a);
      logits[n * C + a] = 9;
      logits[n * C + b] = 9;
      labels[n] = n % 8 === 2 ? b : a;
    }
    if (kind === 3 && n % 8 === 3) {
      logits[n * C + labels[n]] = 50; // a confident correct row
    }
  }
  return { logits, labels };
}

describe('softmax cross-entropy', () => {
  for (const B of [1, 37, 128]) {
    it(`forward + metrics + backward match the reference (B=${B})`, async () => {
      const gpu = await getGpu();
      const { device } = gpu;
      const slots = 5;
      const { logits, labels } = makeCase(B, 1000 + B);
      const logits64 = Float64Array.from(logits);
      await expectNoGpuErrors(device, async () => {
        const logitsBuf = createBufferWith(device, logits, 'logits');
        const labelsBuf = createBufferWith(device, labels, 'labels');
        const gradBuf = createStorageBuffer(device, B * C * 4, 'dlogits');
        const state = createStepState(device, 7);
        const sentinel = Float32Array.from({ length: slots }, (_, i) => -1 - i);
        const batchLoss = createBufferWith(device, sentinel, 'batchLoss');
        const batchCorrect = createBufferWith(device, new Uint32Array(slots).fill(999), 'batchCorrect');
        writeStepState(device, state, { step: 4, batch: 3, seed: 7 });
        const plan = createSoftmaxXent(
          gpu,
          { batch: B, classes: C, slots },
          { logits: logitsBuf, labels: labelsBuf, logitsGrad: gradBuf, state, batchLoss, batchCorrect },
        );
        runDispatches(device, [...plan.forward, ...plan.backward]);

        const losses = await readF32(device, plan.losses, B);
        const correct = await readU32(device, plan.correct, B);
        const pred = await readU32(device, plan.predictions, B);
        const dlogits = await readF32(device, gradBuf, B * C);
        const bl = await readF32(device, batchLoss, slots);
        const bc = await readU32(device, batchCorrect, slots);

        // per-sample references (B = 1 each) for loss and correct
        const refLoss = new Float64Array(B);
        const refCorrect = new Uint32Array(B);
        for (let n = 0; n < B; n++) {
          const r = softmaxCrossEntropy(logits64.subarray(n * C, (n + 1) * C), [labels[n]], 1, C);
          refLoss[n] = r.loss;
          refCorrect[n] = r.correct;
        }
        const full = softmaxCrossEntropy(logits64, labels, B, C);
        const lossDiff = compareToReference(losses, refLoss, LOSS_ATOL, LOSS_RTOL);
        const gradDiff = compareToReference(dlogits, full.dlogits, GRAD_ATOL, GRAD_RTOL);
        const refSum = full.loss * B;
        const sumErr = Math.abs(bl[3] - refSum);
        console.log(
          `softmax_xent B=${B}: loss max abs ${lossDiff.maxAbs.toExponential(2)} rel ${lossDiff.maxRel.toExponential(2)}; ` +
            `dlogits max abs ${gradDiff.maxAbs.toExponential(2)} rel ${gradDiff.maxRel.toExponential(2)}; ` +
            `batch loss sum ${bl[3]} vs ${refSum} (abs ${sumErr.toExponential(2)}); correct ${bc[3]} vs ${full.correct}`,
        );
        expect(lossDiff.bad).toBe(0);
        expect(gradDiff.bad).toBe(0);
        expect(Array.from(correct)).toEqual(Array.from(refCorrect));
        for (let n = 0; n < B; n++) {
          // the prediction is the first index of the row max
          const row = Array.from(logits.subarray(n * C, (n + 1) * C));
          expect(pred[n]).toBe(row.indexOf(Math.max(...row)));
        }
        expect(sumErr).toBeLessThanOrEqual(SUM_RTOL * Math.max(1, Math.abs(refSum)));
        expect(bc[3]).toBe(full.correct);
        // other slots untouched
        expect([bl[0], bl[1], bl[2], bl[4]]).toEqual([sentinel[0], sentinel[1], sentinel[2], sentinel[4]]);
        expect([bc[0], bc[1], bc[2], bc[4]]).toEqual([999, 999, 999, 999]);
        // losses are finite even for |z| ~ 400
        expect(losses.every(Number.isFinite)).toBe(true);

        plan.destroy();
        for (const buf of [logitsBuf, labelsBuf, gradBuf, state, batchLoss, batchCorrect]) buf.destroy();
      });
    });
  }

  it('training slots follow state.batch through step_end; evaluation uses its own StepState (B=500)', async () => {
    const gpu = await getGpu();
    const { device } = gpu;
    await expectNoGpuErrors(device, async () => {
      // training instance: 3 batches of 37 into slots 0..2 via step_end
      const B = 37;
      const slots = 3;
      const logitsBuf = createStorageBuffer(device, B * C * 4, 'logits');
      const labelsBuf = createStorageBuffer(device, B * 4, 'labels');
      const gradBuf = createStorageBuffer(device, B * C * 4, 'dlogits');
      const state = createStepState(device, 1);
      const batchLoss = createStorageBuffer(device, slots * 4, 'batchLoss');
      const batchCorrect = createStorageBuffer(device, slots * 4, 'batchCorrect');
      const plan = createSoftmaxXent(
        gpu,
        { batch: B, classes: C, slots },
        { logits: logitsBuf, labels: labelsBuf, logitsGrad: gradBuf, state, batchLoss, batchCorrect },
      );
      const end = createStepEnd(gpu, state);
      writeEpochStart(device, state);
      const refSums: number[] = [];
      const refCounts: number[] = [];
      for (let k = 0; k < slots; k++) {
        const { logits, labels } = makeCase(B, 50 + k);
        writeBuffer(device, logitsBuf, logits);
        writeBuffer(device, labelsBuf, labels);
        runDispatches(device, [...plan.forward, ...plan.backward, end]);
        const r = softmaxCrossEntropy(Float64Array.from(logits), labels, B, C);
        refSums.push(r.loss * B);
        refCounts.push(r.correct);
      }
      const bl = await readF32(device, batchLoss, slots);
      const bc = await readU32(device, batchCorrect, slots);
      console.log(`batch_metrics slots: gpu ${Array.from(bl).join(', ')} ref ${refSums.join(', ')}`);
      for (let k = 0; k < slots; k++) {
        expect(Math.abs(bl[k] - refSums[k])).toBeLessThanOrEqual(SUM_RTOL * Math.max(1, refSums[k]));
        expect(bc[k]).toBe(refCounts[k]);
      }

      // evaluation instance: batch 500 (more samples than metrics invocations), 4 slots, own state
      const EB = 500;
      const eslots = 4;
      const eLogits = createStorageBuffer(device, EB * C * 4, 'eval logits');
      const eLabels = createStorageBuffer(device, EB * 4, 'eval labels');
      const eGrad = createStorageBuffer(device, EB * C * 4, 'eval dlogits');
      const evalState = createStepState(device, 0, 'eval-state');
      const eLoss = createStorageBuffer(device, eslots * 4, 'eval batchLoss');
      const eCorrect = createStorageBuffer(device, eslots * 4, 'eval batchCorrect');
      const evalPlan = createSoftmaxXent(
        gpu,
        { batch: EB, classes: C, slots: eslots },
        { logits: eLogits, labels: eLabels, logitsGrad: eGrad, state, batchLoss: eLoss, batchCorrect: eCorrect, evalState },
      );
      const evalEnd = createStepEnd(gpu, evalState);
      writeEpochStart(device, evalState);
      const eRefSums: number[] = [];
      const eRefCounts: number[] = [];
      for (let k = 0; k < eslots; k++) {
        const { logits, labels } = makeCase(EB, 70 + k);
        writeBuffer(device, eLogits, logits);
        writeBuffer(device, eLabels, labels);
        runDispatches(device, [...evalPlan.inference, evalEnd]);
        const r = softmaxCrossEntropy(Float64Array.from(logits), labels, EB, C);
        eRefSums.push(r.loss * EB);
        eRefCounts.push(r.correct);
      }
      const ebl = await readF32(device, eLoss, eslots);
      const ebc = await readU32(device, eCorrect, eslots);
      const trainState = await readU32(device, state, 3);
      console.log(`eval slots (B=500): gpu ${Array.from(ebl).join(', ')} ref ${eRefSums.join(', ')}`);
      for (let k = 0; k < eslots; k++) {
        expect(Math.abs(ebl[k] - eRefSums[k])).toBeLessThanOrEqual(SUM_RTOL * Math.max(1, eRefSums[k]));
        expect(ebc[k]).toBe(eRefCounts[k]);
      }
      expect(Array.from(trainState)).toEqual([0, 3, 1]); // training state untouched by evaluation
      expect(Array.from(await readU32(device, evalState, 1, 1))).toEqual([eslots]);
      // training slots untouched by evaluation
      expect(Array.from(await readF32(device, batchLoss, slots))).toEqual(Array.from(bl));

      plan.destroy();
      evalPlan.destroy();
      for (const buf of [logitsBuf, labelsBuf, gradBuf, state, batchLoss, batchCorrect]) buf.destroy();
      for (const buf of [eLogits, eLabels, eGrad, evalState, eLoss, eCorrect]) buf.destroy();
    });
  });
});
