// batch_norm_stats_partial: first pass of BatchNormalization's training-mode statistics. One
// invocation takes one chunk k of ROWS_PER_CHUNK consecutive rows (the last chunk may be shorter)
// and one channel c, and writes that chunk's mean and its sum of squared deviations from that
// mean (M2), computed in two passes over the chunk's rows: the centred form keeps float32
// precision where E[x^2] - E[x]^2 would cancel. batch_norm_stats_finalize merges the chunks.
// Invocation t = k * CHANNELS + c, so neighbouring invocations read neighbouring channels.
//
// Bindings:
//   input:    (ROWS, CHANNELS) f32, read (a (BATCH, H, W, C) or (BATCH, C) tensor, ROWS = BATCH*H*W)
//   partials: (CHUNKS, CHANNELS, 2) f32, written: [chunk mean, chunk M2]
// Overrides: SAMPLE_ROWS (rows of one sample: ROWS = BATCH * SAMPLE_ROWS), CHANNELS, ROWS_PER_CHUNK, WORKGROUP_SIZE; CHUNKS = ceil(ROWS / ROWS_PER_CHUNK).
// Invocations: CHUNKS * CHANNELS.

override ROWS: u32 = BATCH * SAMPLE_ROWS;
override INVOCATIONS: u32 = ((ROWS + ROWS_PER_CHUNK - 1u) / ROWS_PER_CHUNK) * CHANNELS;

fn compute(t: u32) {
  let c = t % CHANNELS;
  let first = (t / CHANNELS) * ROWS_PER_CHUNK;
  let end = min(first + ROWS_PER_CHUNK, ROWS);
  var sum = 0.0;
  for (var r = first; r < end; r++) { sum += layout.$.input[r * CHANNELS + c]; }
  let mean = sum / f32(end - first);
  var m2 = 0.0;
  for (var r = first; r < end; r++) {
    let d = layout.$.input[r * CHANNELS + c] - mean;
    m2 += d * d;
  }
  layout.$.partials[2u * t] = mean;
  layout.$.partials[2u * t + 1u] = m2;
}
