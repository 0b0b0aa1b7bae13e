// smoke_axpy: y[i] = a * x[i] + y[i]. One invocation computes one element.
// Used only by the harness test that proves WGSL -> typegpu -> pipeline -> readback works.
// Bindings: params {n, a}; x (n) read; y (n) read_write.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= layout.$.params.n) { return; }
  layout.$.y[i] = layout.$.params.a * layout.$.x[i] + layout.$.y[i];
}
