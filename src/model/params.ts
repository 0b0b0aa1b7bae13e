/**
 * The parameter table: every trainable tensor lives in one flat f32 buffer (llm.c's
 * pattern), at an offset given here. Parameters, gradients and both Adam moments share
 * this layout.
 *
 * Layouts (Keras): conv kernel HWIO `[kh, kw, in, out]`, dense kernel `[in, out]`,
 * row-major (last index fastest).
 *
 * Alignment: each tensor's offset is rounded up to a multiple of PARAM_ALIGN (4 floats =
 * 16 bytes) so that GPU kernels may use vec4 loads. The flat buffer is therefore
 * PARAM_BUFFER_LENGTH floats long, slightly more than PARAM_COUNT (225,034 real
 * parameters). The padding elements are not parameters: they must stay zero in the
 * parameter buffer (and their gradients zero, so the optimizer keeps them zero).
 */
import { C0, C1, C2, CLASSES, FLAT, HIDDEN, KSIZE } from './architecture.ts';

export interface ParamSpec {
  /** `layer/kernel` or `layer/bias`, as Keras names the weights. */
  readonly name: string;
  readonly shape: readonly number[];
  /** Offset (in floats) into the flat buffer; a multiple of PARAM_ALIGN. */
  readonly offset: number;
  /** Number of elements (product of shape). */
  readonly size: number;
}

/** Offset alignment in floats (16 bytes). */
export const PARAM_ALIGN = 4;

const SHAPES: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['conv2d/kernel', [KSIZE, KSIZE, C0, C1]],
  ['conv2d/bias', [C1]],
  ['conv2d_1/kernel', [KSIZE, KSIZE, C1, C2]],
  ['conv2d_1/bias', [C2]],
  ['dense/kernel', [FLAT, HIDDEN]],
  ['dense/bias', [HIDDEN]],
  ['dense_1/kernel', [HIDDEN, CLASSES]],
  ['dense_1/bias', [CLASSES]],
];

function buildTable(): { table: ParamSpec[]; length: number } {
  const table: ParamSpec[] = [];
  let offset = 0;
  for (const [name, shape] of SHAPES) {
    offset = Math.ceil(offset / PARAM_ALIGN) * PARAM_ALIGN;
    const size = shape.reduce((a, b) => a * b, 1);
    table.push(Object.freeze({ name, shape: Object.freeze([...shape]), offset, size }));
    offset += size;
  }
  return { table, length: Math.ceil(offset / PARAM_ALIGN) * PARAM_ALIGN };
}

const built = buildTable();

/** All trainable tensors, in Keras's `model.weights` order. */
export const PARAMS: readonly ParamSpec[] = Object.freeze(built.table);

/** Names of the parameter tensors. */
export type ParamName =
  | 'conv2d/kernel'
  | 'conv2d/bias'
  | 'conv2d_1/kernel'
  | 'conv2d_1/bias'
  | 'dense/kernel'
  | 'dense/bias'
  | 'dense_1/kernel'
  | 'dense_1/bias';

/** Number of real (trainable) parameters: 225,034. */
export const PARAM_COUNT: number = PARAMS.reduce((a, p) => a + p.size, 0);

/** Length in floats of the flat (padded) parameter buffer; >= PARAM_COUNT, multiple of 4. */
export const PARAM_BUFFER_LENGTH: number = built.length;

/** Looks up a tensor of the table by name; throws on an unknown name. */
export function paramSpec(name: string): ParamSpec {
  const p = PARAMS.find((q) => q.name === name);
  if (!p) throw new Error(`unknown parameter tensor "${name}"`);
  return p;
}

/** A view (no copy) of one tensor inside a flat parameter-layout buffer. */
export function paramView<T extends Float32Array | Float64Array>(flat: T, name: string): T {
  const p = paramSpec(name);
  if (flat.length < PARAM_BUFFER_LENGTH) {
    throw new Error(`paramView: buffer has ${flat.length} elements, need ${PARAM_BUFFER_LENGTH}`);
  }
  return flat.subarray(p.offset, p.offset + p.size) as T;
}
