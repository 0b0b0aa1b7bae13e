// batch_norm_backward_input: BatchNormalization's input gradient in training mode, one
// invocation per element (r, c) of the (ROWS, CHANNELS) tensor:
//   dx = gamma[c] * invstd[c] * (dy - sum dy / ROWS - xhat * sum(dy * xhat) / ROWS)
// with xhat = (x - mean[c]) * invstd[c], gamma taken as 1 unless SCALE, and the per-channel
// sums from batch_norm_backward_reduce. INFERENCE (a frozen layer, trained in inference mode):
// the moving statistics are constants, dx = gamma[c] * dy / sqrt(moving_variance[c] + EPSILON)
// (input and stats unread).
//
// Bindings:
//   input:      (ROWS, CHANNELS) f32, read (the forward's input x)
//   outputGrad: (ROWS, CHANNELS) f32, read (dy)
//   stats:      (4, CHANNELS) f32, read: rows mean, invstd, sum dy, sum dy * xhat
//   params:     flat f32 parameter buffer, read: gamma (CHANNELS) at GAMMA_OFFSET (if SCALE),
//               moving_variance (CHANNELS) at MOVING_VARIANCE_OFFSET (if INFERENCE)
//   inputGrad:  (ROWS, CHANNELS) f32, written
// Overrides: ROWS, CHANNELS, GAMMA_OFFSET, MOVING_VARIANCE_OFFSET, EPSILON (f32), SCALE (bool),
// INFERENCE (bool), WORKGROUP_SIZE.
// Invocations: ROWS * CHANNELS.

override SCALE: bool;
override INFERENCE: bool;
override EPSILON: f32;

override INVOCATIONS: u32 = ROWS * CHANNELS;

fn compute(i: u32) {
  let c = i % CHANNELS;
  if (INFERENCE) {
    var frozenScale = 1.0 / sqrt(layout.$.params[MOVING_VARIANCE_OFFSET + c] + EPSILON);
    if (SCALE) { frozenScale *= layout.$.params[GAMMA_OFFSET + c]; }
    layout.$.inputGrad[i] = frozenScale * layout.$.outputGrad[i];
    return;
  }
  let invStd = layout.$.stats[CHANNELS + c];
  let xhat = (layout.$.input[i] - layout.$.stats[c]) * invStd;
  let n = f32(ROWS);
  let centred = layout.$.outputGrad[i] - layout.$.stats[2u * CHANNELS + c] / n - xhat * (layout.$.stats[3u * CHANNELS + c] / n);
  var scale = invStd;
  if (SCALE) { scale *= layout.$.params[GAMMA_OFFSET + c]; }
  layout.$.inputGrad[i] = scale * centred;
}
