// step_end: the last dispatch of a step (training) or of an evaluation batch. ONE invocation:
// state.batch += 1, so the next batch's gather and metrics slot move on.
// Bindings:
//   state: StepState  read_write

@compute @workgroup_size(1)
fn main() {
  layout.$.state.batch = layout.$.state.batch + 1u;
}
