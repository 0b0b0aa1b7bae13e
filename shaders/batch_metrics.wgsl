// batch_metrics: sums one batch's per-sample losses and correct flags into its slot.
// Dispatched as exactly ONE workgroup. Invocation i sums samples i, i + WORKGROUP_SIZE, ...
// (in order), then a tree reduction in workgroup memory combines the partial sums; invocation 0
// alone writes
//   batchLoss[s]    = sum_n losses[n]   (f32)
//   batchCorrect[s] = sum_n correct[n]  (u32)
// at slot s = state.batch. Training binds the trainer's StepState (step_end advances .batch);
// an evaluator binds its own StepState, so its slots never touch the training ones. A slot
// past the end of batchLoss is ignored (nothing written). BATCH is the batch's (run time).
// WORKGROUP_SIZE must be a power of two.
// Bindings:
//   state:        StepState          read (only .batch)
//   losses:       (BATCH) f32        read
//   correct:      (BATCH) u32        read
//   batchLoss:    (slots) f32        write one element
//   batchCorrect: (slots) u32        write one element

var<workgroup> partLoss: array<f32, WORKGROUP_SIZE>;
var<workgroup> partCorrect: array<u32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) i: u32) {
  var loss = 0.0;
  var count = 0u;
  for (var n = i; n < BATCH; n += WORKGROUP_SIZE) {
    loss += layout.$.losses[n];
    count += layout.$.correct[n];
  }
  partLoss[i] = loss;
  partCorrect[i] = count;
  workgroupBarrier();
  for (var width = WORKGROUP_SIZE / 2u; width > 0u; width = width / 2u) {
    if (i < width) {
      partLoss[i] += partLoss[i + width];
      partCorrect[i] += partCorrect[i + width];
    }
    workgroupBarrier();
  }
  if (i == 0u) {
    let s = layout.$.state.batch;
    if (s < arrayLength(&layout.$.batchLoss)) {
      layout.$.batchLoss[s] = partLoss[0];
      layout.$.batchCorrect[s] = partCorrect[0];
    }
  }
}
