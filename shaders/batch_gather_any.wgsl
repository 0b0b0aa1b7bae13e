// batch_gather_any: batch_gather for images of any number of values (H * W * C not a multiple
// of 4, e.g. 5x5x3): sample s of the batch is image indices[state.batch * BATCH + s]. One
// invocation computes ONE value of one sample: its byte, read from the packed words at any
// offset, through the 256-entry scale table; the invocation of value 0 of a sample also copies
// its label.
//
// Bindings:
//   state:        StepState {step, batch, seed, pad}, read (batch field only)
//   indices:      (>= batches * BATCH) u32, read: image numbers, one epoch's order
//   images:       (ceil(IMAGE_COUNT * PIXELS / 4)) u32, read: the images' bytes back to back,
//                 packed 4 per u32, little-endian (byte 4w + k in bits 8k..8k+7)
//   labels:       (IMAGE_COUNT) u32, read
//   scale:        (256) f32, read: the value of each byte (p / 255, or p)
//   output:       (BATCH, H, W, C) f32, written
//   outputLabels: (BATCH) u32, written
// Overrides: BATCH, PIXELS = values per image, IMAGE_COUNT, WORKGROUP_SIZE.

override INVOCATIONS: u32 = BATCH * PIXELS;

fn compute(t: u32) {
  let s = t / PIXELS;
  let p = t % PIXELS;
  let image = min(layout.$.indices[layout.$.state.batch * BATCH + s], IMAGE_COUNT - 1u);
  let byte = image * PIXELS + p;
  let word = layout.$.images[byte / 4u];
  layout.$.output[t] = layout.$.scale[(word >> ((byte % 4u) * 8u)) & 0xffu];
  if (p == 0u) {
    layout.$.outputLabels[s] = layout.$.labels[image];
  }
}
