// batch_norm_backward_partial: first pass of BatchNormalization's backward reductions. One
// invocation takes one chunk k of ROWS_PER_CHUNK consecutive rows (the last may be shorter) and
// one channel c, and writes that chunk's sum of dy and sum of dy * xhat, with
// xhat = (x - mean[c]) * invstd[c] from the forward's batch statistics.
// batch_norm_backward_reduce adds the chunks. Invocation t = k * CHANNELS + c.
//
// Bindings:
//   input:      (ROWS, CHANNELS) f32, read (the forward's input x)
//   outputGrad: (ROWS, CHANNELS) f32, read (dy = dL/d output)
//   stats:      (4, CHANNELS) f32, read: row 0 mean, row 1 invstd
//   partials:   (CHUNKS, CHANNELS, 2) f32, written: [chunk sum dy, chunk sum dy * xhat]
// Overrides: SAMPLE_ROWS (rows of one sample: ROWS = BATCH * SAMPLE_ROWS), CHANNELS, ROWS_PER_CHUNK, WORKGROUP_SIZE; CHUNKS = ceil(ROWS / ROWS_PER_CHUNK).
// Invocations: CHUNKS * CHANNELS.

override ROWS: u32 = BATCH * SAMPLE_ROWS;
override INVOCATIONS: u32 = ((ROWS + ROWS_PER_CHUNK - 1u) / ROWS_PER_CHUNK) * CHANNELS;

fn compute(t: u32) {
  let c = t % CHANNELS;
  let first = (t / CHANNELS) * ROWS_PER_CHUNK;
  let end = min(first + ROWS_PER_CHUNK, ROWS);
  let mean = layout.$.stats[c];
  let invStd = layout.$.stats[CHANNELS + c];
  var sumDy = 0.0;
  var sumDyXhat = 0.0;
  for (var r = first; r < end; r++) {
    let i = r * CHANNELS + c;
    let dy = layout.$.outputGrad[i];
    sumDy += dy;
    sumDyXhat += dy * ((layout.$.input[i] - mean) * invStd);
  }
  layout.$.partials[2u * t] = sumDy;
  layout.$.partials[2u * t + 1u] = sumDyXhat;
}
