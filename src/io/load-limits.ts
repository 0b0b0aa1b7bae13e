// The caps every loader checks a file against before it allocates or parses anything: sizes
// that a header or a manifest declares are compared with these (and with the file's real size),
// so a damaged or hostile file is refused at once instead of exhausting memory or time.
// Browser-safe.

const MiB = 1024 * 1024;

/**
 * Largest JSON document read: a model.json, a .keras file's config.json and metadata.json, a
 * --model config, a checkpoint's header, the autotuning cache. A 64-layer config is about
 * 100 kB; 4 MiB leaves forty times that.
 */
export const MAX_JSON_BYTES = 4 * MiB;

/** Deepest nesting of arrays and objects in a JSON document (a Keras config nests about 8 deep). */
export const MAX_JSON_DEPTH = 64;

/**
 * Most parameters a loaded model may have: the CLI hands the parameters to its back end as
 * base64 text, which must fit one JavaScript string (2^29 - 24 characters: 400 MB of float32).
 */
export const MAX_PARAMETERS = 100_000_000;

/** Most float32 values a weights file may hold: the parameters and Adam's two moments. */
export const MAX_STORED_FLOATS = 3 * MAX_PARAMETERS;

/** Largest weights file (model.weights.h5, TF.js weight files): MAX_STORED_FLOATS float32 values and 64 MiB of structure. */
export const MAX_WEIGHTS_BYTES = MAX_STORED_FLOATS * 4 + 64 * MiB;

/** Largest .keras file: its weights, two JSON members and the zip's own records. */
export const MAX_KERAS_FILE_BYTES = MAX_WEIGHTS_BYTES + 2 * MAX_JSON_BYTES + MiB;

/** Largest checkpoint.bin: its JSON header, the parameters and two optimizer moments. */
export const MAX_CHECKPOINT_BYTES = MAX_JSON_BYTES + MAX_STORED_FLOATS * 4 + 16;

/** Largest IDX file: 256 MiB (MNIST's 60,000 training images are 47 MB). */
export const MAX_IDX_BYTES = 256 * MiB;

/**
 * Largest dataset of the user's own images, decoded (N x H x W x C bytes): a .npz file's arrays,
 * a folder's pack. 1 GiB is 65,000 RGBA images of 64x64, more than a GPU's storage binding holds.
 */
export const MAX_DATASET_BYTES = 1024 * MiB;

/** "1,234,567": sizes in messages. */
export function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? n.toLocaleString('en-US') : n.toExponential(3);
}

/** Why a model of `count` parameters is refused, or null. */
export function parameterCountProblem(count: number): string | null {
  return count > MAX_PARAMETERS
    ? `the model has ${formatCount(count)} parameters, more than the ${formatCount(MAX_PARAMETERS)} this trainer loads`
    : null;
}
