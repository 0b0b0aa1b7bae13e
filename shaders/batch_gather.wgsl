// batch_gather: builds one batch on the GPU from the resident training set.
// Sample s of the batch is image indices[state.batch * BATCH + s]. One invocation computes
// FOUR consecutive pixels (one packed u32 word) of one sample through a 256-entry lookup table:
// x = pixel / 255 (exactly the float32 of p / 255, like the CPU) for MNIST and Fashion-MNIST,
// x = pixel for the user's own images; the invocation holding word 0 of a sample also copies
// its label. Images whose value count is not a multiple of 4 use batch_gather_any.
// Evaluation uses the same kernel with its own StepState-shaped buffer whose `batch` field
// selects the batch (see src/layers/gather.ts).
//
// Bindings:
//   state:        StepState {step, batch, seed, pad}, read (batch field only)
//   indices:      (>= batches * BATCH) u32, read: image numbers, one epoch's order
//   images:       (IMAGE_COUNT * WORDS) u32, read: pixels packed 4 per u32, little-endian
//                 (pixel 4w + k in bits 8k..8k+7)
//   labels:       (IMAGE_COUNT) u32, read
//   scale:        (256) f32, read: scale[p] = f32(p / 255), or p
//   output:       (BATCH, H, W, C) f32 viewed as (BATCH * WORDS) vec4f, written
//   outputLabels: (BATCH) u32, written
// Overrides: BATCH, WORDS = values per image / 4 (196 for 28x28x1), IMAGE_COUNT, WORKGROUP_SIZE.

override INVOCATIONS: u32 = BATCH * WORDS;

fn compute(t: u32) {
  let s = t / WORDS;
  let w = t % WORDS;
  let image = min(layout.$.indices[layout.$.state.batch * BATCH + s], IMAGE_COUNT - 1u);
  let word = layout.$.images[image * WORDS + w];
  layout.$.output[t] = vec4f(
    layout.$.scale[word & 0xffu],
    layout.$.scale[(word >> 8u) & 0xffu],
    layout.$.scale[(word >> 16u) & 0xffu],
    layout.$.scale[word >> 24u]);
  if (w == 0u) {
    layout.$.outputLabels[s] = layout.$.labels[image];
  }
}
