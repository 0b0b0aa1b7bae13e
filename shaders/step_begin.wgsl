// step_begin: the first dispatch of a training step. ONE invocation: state.step += 1, so the
// optimizer's t and the dropout RNG see this step's 1-based number.
// Bindings:
//   state: StepState  read_write

@compute @workgroup_size(1)
fn main() {
  layout.$.state.step = layout.$.state.step + 1u;
}
