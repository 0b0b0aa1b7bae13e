// batch_norm_stats_finalize: second pass of BatchNormalization's training-mode statistics. One
// invocation per channel c merges the chunks' (mean, M2) pairs of batch_norm_stats_partial
// (Chan et al.: mean = sum_k n_k mean_k / ROWS, M2 = sum_k M2_k + n_k (mean_k - mean)^2), takes
// the BIASED batch variance var = M2 / ROWS (Keras 3's ops.moments), and writes
//   stats[0, c] = mean, stats[1, c] = 1 / sqrt(var + EPSILON)   (what the forward and backward read)
// and moves the layer's moving statistics in the parameter buffer (Keras 3):
//   moving_mean = moving_mean * MOMENTUM + mean * (1 - MOMENTUM)
//   moving_variance = moving_variance * MOMENTUM + var * (1 - MOMENTUM)
// Rows 2 and 3 of stats belong to the backward pass and are not touched.
//
// Bindings:
//   partials: (CHUNKS, CHANNELS, 2) f32, read: [chunk mean, chunk M2]
//   stats:    (4, CHANNELS) f32, rows 0 and 1 written
//   params:   flat f32 parameter buffer, read and written: moving_mean (CHANNELS) at
//             MOVING_MEAN_OFFSET, moving_variance (CHANNELS) at MOVING_VARIANCE_OFFSET
// Overrides: SAMPLE_ROWS (rows of one sample: ROWS = BATCH * SAMPLE_ROWS), CHANNELS, ROWS_PER_CHUNK, MOVING_MEAN_OFFSET, MOVING_VARIANCE_OFFSET,
// MOMENTUM (f32), EPSILON (f32), WORKGROUP_SIZE.
// Invocations: CHANNELS.

override ROWS: u32 = BATCH * SAMPLE_ROWS;
override MOMENTUM: f32;
override EPSILON: f32;

// Rows in chunk k (all ROWS_PER_CHUNK but the last).
fn chunkRows(k: u32) -> f32 {
  return f32(min(ROWS - k * ROWS_PER_CHUNK, ROWS_PER_CHUNK));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= CHANNELS) { return; }
  let chunks = (ROWS + ROWS_PER_CHUNK - 1u) / ROWS_PER_CHUNK;
  var weighted = 0.0;
  for (var k = 0u; k < chunks; k++) {
    weighted += chunkRows(k) * layout.$.partials[2u * (k * CHANNELS + c)];
  }
  // x / ROWS as x * (1 / ROWS), as the compiler made it of a constant ROWS (the same bits).
  let invRows = 1.0 / f32(ROWS);
  let mean = weighted * invRows;
  var m2 = 0.0;
  for (var k = 0u; k < chunks; k++) {
    let i = 2u * (k * CHANNELS + c);
    let d = layout.$.partials[i] - mean;
    m2 += layout.$.partials[i + 1u] + chunkRows(k) * d * d;
  }
  let variance = m2 * invRows;
  layout.$.stats[c] = mean;
  layout.$.stats[CHANNELS + c] = 1.0 / sqrt(variance + EPSILON);
  let mm = MOVING_MEAN_OFFSET + c;
  let mv = MOVING_VARIANCE_OFFSET + c;
  layout.$.params[mm] = layout.$.params[mm] * MOMENTUM + mean * (1.0 - MOMENTUM);
  layout.$.params[mv] = layout.$.params[mv] * MOMENTUM + variance * (1.0 - MOMENTUM);
}
