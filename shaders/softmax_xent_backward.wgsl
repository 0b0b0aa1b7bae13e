// softmax_xent_backward: gradient of the batch-mean cross-entropy with respect to the logits.
// One invocation computes one sample n, all CLASSES outputs of its row:
//   dlogits[n,c] = (softmax(z[n,:])[c] - (c == label[n] ? 1 : 0)) / BATCH
// (softmax taken relative to the row max, so large logits are safe.)
// Bindings:
//   logits:  (BATCH, CLASSES) f32   read
//   labels:  (BATCH) u32            read
//   dlogits: (BATCH, CLASSES) f32   write

override WORKGROUP_SIZE: u32;
override BATCH: u32;
override CLASSES: u32;

// The dispatch is a 1-D or, past 65,535 workgroups, a 2-D grid (gridFor in src/gpu/kernel.ts):
// the invocation index is linearised over it, and the surplus invocations of the last row
// fail the bounds check below.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let n = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (n >= BATCH) { return; }
  let row = n * CLASSES;
  var mx = layout.$.logits[row];
  for (var c = 1u; c < CLASSES; c++) {
    mx = max(mx, layout.$.logits[row + c]);
  }
  var sum = 0.0;
  for (var c = 0u; c < CLASSES; c++) {
    sum += exp(layout.$.logits[row + c] - mx);
  }
  let scale = 1.0 / (sum * f32(BATCH));
  let invBatch = 1.0 / f32(BATCH);
  let label = layout.$.labels[n];
  for (var c = 0u; c < CLASSES; c++) {
    let p = exp(layout.$.logits[row + c] - mx) * scale;
    layout.$.dlogits[row + c] = p - select(0.0, invBatch, c == label);
  }
}
