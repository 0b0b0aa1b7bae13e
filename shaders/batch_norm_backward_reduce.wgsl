// batch_norm_backward_reduce: second pass of BatchNormalization's backward reductions. One
// invocation per channel c adds the chunks' sums of batch_norm_backward_partial and writes
//   stats[2, c] = sum dy, stats[3, c] = sum dy * xhat   (for batch_norm_backward_input)
//   dgamma[c] = sum dy * xhat (if SCALE), dbeta[c] = sum dy (if CENTER)
// and 0 into the gradients of moving_mean and moving_variance (not trained: Adam and SGD leave a
// parameter whose gradient is exactly 0 unchanged). Gradients are WRITTEN, not accumulated.
//
// Bindings:
//   partials: (CHUNKS, CHANNELS, 2) f32, read: [chunk sum dy, chunk sum dy * xhat]
//   stats:    (4, CHANNELS) f32, rows 2 and 3 written (rows 0 and 1 hold the forward's statistics)
//   grads:    flat f32 gradient buffer, written: dgamma at GAMMA_OFFSET (if SCALE), dbeta at
//             BETA_OFFSET (if CENTER), zeros at MOVING_MEAN_OFFSET and MOVING_VARIANCE_OFFSET,
//             each (CHANNELS)
// Overrides: SAMPLE_ROWS (rows of one sample: ROWS = BATCH * SAMPLE_ROWS), CHANNELS, ROWS_PER_CHUNK, GAMMA_OFFSET, BETA_OFFSET, MOVING_MEAN_OFFSET,
// MOVING_VARIANCE_OFFSET, SCALE (bool), CENTER (bool), WORKGROUP_SIZE.
// Invocations: CHANNELS.

override ROWS: u32 = BATCH * SAMPLE_ROWS;
override SCALE: bool;
override CENTER: bool;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= CHANNELS) { return; }
  let chunks = (ROWS + ROWS_PER_CHUNK - 1u) / ROWS_PER_CHUNK;
  var sumDy = 0.0;
  var sumDyXhat = 0.0;
  for (var k = 0u; k < chunks; k++) {
    let i = 2u * (k * CHANNELS + c);
    sumDy += layout.$.partials[i];
    sumDyXhat += layout.$.partials[i + 1u];
  }
  layout.$.stats[2u * CHANNELS + c] = sumDy;
  layout.$.stats[3u * CHANNELS + c] = sumDyXhat;
  if (SCALE) { layout.$.grads[GAMMA_OFFSET + c] = sumDyXhat; }
  if (CENTER) { layout.$.grads[BETA_OFFSET + c] = sumDy; }
  layout.$.grads[MOVING_MEAN_OFFSET + c] = 0.0;
  layout.$.grads[MOVING_VARIANCE_OFFSET + c] = 0.0;
}
