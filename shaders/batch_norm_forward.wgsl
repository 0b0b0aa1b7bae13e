// batch_norm_forward: BatchNormalization's normalisation, one invocation per element (r, c) of
// the (ROWS, CHANNELS) tensor: y = gamma[c] * (x - mean[c]) * invstd[c] + beta[c], gamma taken
// as 1 unless SCALE and beta as 0 unless CENTER. Training mode (INFERENCE false) reads the batch
// statistics from stats (batch_norm_stats_finalize); inference mode reads the moving statistics
// from the parameter buffer, invstd = 1 / sqrt(moving_variance + EPSILON).
//
// Bindings:
//   input:  (ROWS, CHANNELS) f32, read
//   stats:  (4, CHANNELS) f32, read (training mode only): row 0 mean, row 1 invstd
//   params: flat f32 parameter buffer, read: gamma at GAMMA_OFFSET (if SCALE), beta at
//           BETA_OFFSET (if CENTER), moving_mean at MOVING_MEAN_OFFSET and moving_variance at
//           MOVING_VARIANCE_OFFSET (inference mode), each (CHANNELS)
//   output: (ROWS, CHANNELS) f32, written
// Overrides: SAMPLE_ROWS (rows of one sample: ROWS = BATCH * SAMPLE_ROWS), CHANNELS, GAMMA_OFFSET, BETA_OFFSET, MOVING_MEAN_OFFSET,
// MOVING_VARIANCE_OFFSET, EPSILON (f32), SCALE (bool), CENTER (bool), INFERENCE (bool),
// WORKGROUP_SIZE.
// Invocations: ROWS * CHANNELS.

override ROWS: u32 = BATCH * SAMPLE_ROWS;
override EPSILON: f32;
override SCALE: bool;
override CENTER: bool;
override INFERENCE: bool;

override INVOCATIONS: u32 = ROWS * CHANNELS;

fn compute(i: u32) {
  let c = i % CHANNELS;
  var mean: f32;
  var invStd: f32;
  if (INFERENCE) {
    mean = layout.$.params[MOVING_MEAN_OFFSET + c];
    invStd = 1.0 / sqrt(layout.$.params[MOVING_VARIANCE_OFFSET + c] + EPSILON);
  } else {
    mean = layout.$.stats[c];
    invStd = layout.$.stats[CHANNELS + c];
  }
  var y = (layout.$.input[i] - mean) * invStd;
  if (SCALE) { y *= layout.$.params[GAMMA_OFFSET + c]; }
  if (CENTER) { y += layout.$.params[BETA_OFFSET + c]; }
  layout.$.output[i] = y;
}
