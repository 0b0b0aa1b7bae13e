// A candidate kernel may win only after its output matched the general kernel's on the same
// random inputs. Both are float32, so the tolerance of src/gpu/tolerance.ts is doubled.
import { runDispatches } from '../gpu/kernel.ts';
import { checkTolerance } from '../gpu/tolerance.ts';
import type { BuiltCandidate, OutputPart, TuneCandidate, TuneSlot } from './slots.ts';

/** Both sides carry float32 rounding: twice the kernel tests' tolerance against float64. */
const TOLERANCE_SCALE = 2;

/** The seed of the random inputs every candidate of a slot runs on. */
export const VALIDATION_SEED = 0x5eed;

/** A candidate built and run once on the slot's seeded inputs, with its output. */
export interface RanCandidate {
  built: BuiltCandidate;
  output: Float32Array;
}

/**
 * Builds `candidate` and runs it once on freshly reset inputs; GPU validation errors (a shader
 * that does not compile, a bad binding) are thrown. A candidate built before a failure is destroyed.
 */
export async function buildAndRun(device: GPUDevice, slot: TuneSlot, candidate: TuneCandidate): Promise<RanCandidate> {
  let built: BuiltCandidate | undefined;
  let thrown: unknown;
  device.pushErrorScope('validation');
  try {
    built = await candidate.build();
    slot.reset(VALIDATION_SEED);
    runDispatches(device, built.dispatches, `autotune ${slot.layer} ${slot.pass} ${candidate.id}`);
  } catch (e) {
    thrown = e;
  }
  const error = await device.popErrorScope();
  if (thrown !== undefined || error || !built) {
    built?.destroy();
    throw thrown ?? new Error(`GPU validation error: ${error?.message}`);
  }
  try {
    return { built, output: await built.readOutput() };
  } catch (e) {
    built.destroy();
    throw e;
  }
}

/** Why the reference's output cannot serve as one (a non-finite value), or null. */
export function referenceProblem(output: Float32Array): string | null {
  const bad = output.findIndex((v) => !Number.isFinite(v));
  return bad < 0 ? null : `the reference output has ${output[bad]} at ${bad}`;
}

/**
 * Why `output` does not match the reference's (the worst element), or null when it does. Each
 * of `parts` (default: the whole output) is held to the tolerance at its own largest magnitude.
 */
export function mismatch(output: Float32Array, reference: Float32Array, reductionLength: number, parts?: readonly OutputPart[]): string | null {
  if (output.length !== reference.length) return `${output.length} output values, the reference has ${reference.length}`;
  for (const part of parts ?? [{ name: '', start: 0, length: output.length }]) {
    const end = part.start + part.length;
    if (part.start < 0 || end > output.length) throw new Error(`output part ${part.name} [${part.start}, ${end}) outside the ${output.length} output values`);
    const c = checkTolerance(output.subarray(part.start, end), reference.subarray(part.start, end), reductionLength, TOLERANCE_SCALE);
    if (c.worstRatio <= 1) continue;
    const at = part.start + c.worst;
    const where = part.name ? `${part.name}, ` : '';
    return `output differs from the reference: at ${where}${at} ${output[at]} vs ${reference[at]} (${c.worstRatio.toPrecision(3)}x the tolerance)`;
  }
  return null;
}
