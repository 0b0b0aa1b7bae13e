// random_augment_forward: the training forward of RandomFlip, RandomTranslation, RandomRotation
// and RandomZoom (KIND), NHWC (BATCH, H, W, C) -> (BATCH, H, W, C). One invocation computes ONE
// output element y(b, y, x, c).
//
// Draws: u(b, slot) in [0, 1), a multiple of 2^-24, from the dropout mask's counter-based hash
// (src/gpu/wgsl-lib.ts): key = dropoutKey(seed, step, LAYER_ID) (seed: the run's from StepState,
// or the layer's own, LAYER_SEED, where OWN_SEED), u = (fmix(fmix(key ^ (4b + slot)) + key) >> 8)
// / 2^24. src/layers/augmentation-rng.ts is its TypeScript twin.
//
// Per sample b (ranges [LO0, HI0] and [LO1, HI1] from the layer's factors):
//   flip         flipped iff u(b, 0) < 0.5: x -> W-1-x where FLIP_X, y -> H-1-y where FLIP_Y
//                (Keras 3: one draw flips both axes in 'horizontal_and_vertical'); a copy.
//   translation  dy = H * (LO0 + u0 (HI0-LO0)), dx = W * (LO1 + u1 (HI1-LO1));
//                input point (x - dx, y - dy).
//   rotation     angle = 2 pi t, t = LO0 + u0 (HI0-LO0) turns; about the centre
//                (cx, cy) = ((W-1)/2, (H-1)/2): (cos (x-cx) - sin (y-cy) + cx,
//                sin (x-cx) + cos (y-cy) + cy), as the matrix Keras builds.
//   zoom         zy = 1 + LO0 + u0 (HI0-LO0), zx = zy where SAME_ZOOM else 1 + LO1 + u1 (HI1-LO1);
//                input point (zx x + cx (1-zx), zy y + cy (1-zy)).
// The input point is sampled as TensorFlow's ImageProjectiveTransformV3 does (what Keras's
// affine_transform runs): each coordinate mapped by the fill mode (FILL: 0 reflect
// d c b a|a b c d|d c b a, 1 wrap, 2 constant, 3 nearest, with TensorFlow's arithmetic and a
// clamp to [0, len-1]); a point still outside the image (constant) is FILL_VALUE; then nearest
// (round half up) or bilinear interpolation, a neighbour outside the image reading FILL_VALUE.
//
// Bindings:
//   state:  StepState {step, batch, seed, pad}, read
//   input:  (BATCH, H, W, C) f32, read
//   output: (BATCH, H, W, C) f32, written
// Overrides: H, W, C, SAMPLE_COUNT = H*W*C, KIND (0 flip, 1 translation, 2 rotation, 3 zoom),
//   FLIP_X, FLIP_Y, SAME_ZOOM, LO0, HI0, LO1, HI1, FILL, FILL_VALUE, BILINEAR, LAYER_ID,
//   OWN_SEED, LAYER_SEED, WORKGROUP_SIZE.

override FLIP_X: bool;
override FLIP_Y: bool;
override SAME_ZOOM: bool;
override BILINEAR: bool;
override OWN_SEED: bool;
override LO0: f32;
override HI0: f32;
override LO1: f32;
override HI1: f32;
override FILL_VALUE: f32;
override COUNT: u32 = BATCH * SAMPLE_COUNT;

// u(b, slot) in [0, 1): 24 bits of the hash, exact in f32.
fn draw(key: u32, b: u32, slot: u32) -> f32 {
  let h = dropoutFmix(dropoutFmix(key ^ (b * 4u + slot)) + key);
  return f32(h >> 8u) * (1.0 / 16777216.0);
}

// (sin, cos) of t turns (2 pi t radians): t less its nearest quarter turn q/4 leaves |r| <= 1/8
// turn, where Taylor polynomials of degree 9 and 10 are within 2e-9; the quarter turns are exact.
// (WGSL's sin and cos are only promised to 2^-11 absolute.)
fn turnSinCos(t: f32) -> vec2f {
  let q = round(4.0 * t);
  let x = 6.2831853 * (t - 0.25 * q);
  let x2 = x * x;
  let s = x * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (-1.0 / 5040.0 + x2 * (1.0 / 362880.0)))));
  let c = 1.0 + x2 * (-0.5 + x2 * (1.0 / 24.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40320.0 + x2 * (-1.0 / 3628800.0)))));
  switch (i32(q) & 3) {
    case 0: { return vec2f(s, c); }
    case 1: { return vec2f(c, -s); }
    case 2: { return vec2f(-s, -c); }
    default: { return vec2f(-c, s); }
  }
}

// The sample's map from an output point (x, y, 1) to its input point: rows (a0, a1, a2), (b0, b1, b2).
fn affine(key: u32, b: u32) -> mat2x3f {
  let cx = 0.5 * f32(W - 1u);
  let cy = 0.5 * f32(H - 1u);
  let u0 = draw(key, b, 0u);
  if (KIND == 1u) {
    let dy = f32(H) * (LO0 + u0 * (HI0 - LO0));
    let dx = f32(W) * (LO1 + draw(key, b, 1u) * (HI1 - LO1));
    return mat2x3f(vec3f(1.0, 0.0, -dx), vec3f(0.0, 1.0, -dy));
  }
  if (KIND == 2u) {
    let sc = turnSinCos(LO0 + u0 * (HI0 - LO0));
    let s = sc.x;
    let c = sc.y;
    return mat2x3f(vec3f(c, -s, cx - cx * c + cy * s), vec3f(s, c, cy - cx * s - cy * c));
  }
  let zy = 1.0 + LO0 + u0 * (HI0 - LO0);
  var zx = zy;
  if (!SAME_ZOOM) { zx = 1.0 + LO1 + draw(key, b, 1u) * (HI1 - LO1); }
  return mat2x3f(vec3f(zx, 0.0, cx * (1.0 - zx)), vec3f(0.0, zy, cy * (1.0 - zy)));
}

// A coordinate mapped into [0, len-1] by the fill mode (constant: unchanged), as TensorFlow does.
fn fillCoordinate(v: f32, len: f32) -> f32 {
  var c = v;
  if (FILL == 0u) {
    let period = 2.0 * len;
    if (c < 0.0) {
      if (len <= 1.0) { c = 0.0; } else {
        c = period * trunc(-c / period) + c;
        c = select(-c - 1.0, c + period, c < -len);
      }
    } else if (c > len - 1.0) {
      if (len <= 1.0) { c = 0.0; } else {
        c -= period * trunc(c / period);
        if (c >= len) { c = period - c - 1.0; }
      }
    }
    return clamp(c, 0.0, len - 1.0);
  }
  if (FILL == 1u) {
    if (c < 0.0) {
      if (len <= 1.0) { c = 0.0; } else { c += len * (trunc(-c / (len - 1.0)) + 1.0); }
    } else if (c > len - 1.0) {
      if (len <= 1.0) { c = 0.0; } else { c -= len * trunc(c / (len - 1.0)); }
    }
    return clamp(c, 0.0, len - 1.0);
  }
  if (FILL == 3u) { return clamp(c, 0.0, len - 1.0); }
  return c;
}

// Input pixel (yi, xi) of the sample whose channel c starts at `base`, FILL_VALUE outside.
fn pixel(base: u32, yi: f32, xi: f32) -> f32 {
  if (xi < 0.0 || yi < 0.0 || xi > f32(W - 1u) || yi > f32(H - 1u)) { return FILL_VALUE; }
  return layout.$.input[base + (u32(yi) * W + u32(xi)) * C];
}

fn sampleAt(base: u32, xIn: f32, yIn: f32) -> f32 {
  let x = fillCoordinate(xIn, f32(W));
  let y = fillCoordinate(yIn, f32(H));
  if (x < 0.0 || x > f32(W - 1u) || y < 0.0 || y > f32(H - 1u)) { return FILL_VALUE; }
  let x0 = floor(x);
  let y0 = floor(y);
  if (!BILINEAR) {
    return pixel(base, select(y0, y0 + 1.0, y - y0 >= 0.5), select(x0, x0 + 1.0, x - x0 >= 0.5));
  }
  let x1 = x0 + 1.0;
  let y1 = y0 + 1.0;
  let top = (x1 - x) * pixel(base, y0, x0) + (x - x0) * pixel(base, y0, x1);
  let bottom = (x1 - x) * pixel(base, y1, x0) + (x - x0) * pixel(base, y1, x1);
  return (y1 - y) * top + (y - y0) * bottom;
}

fn compute(e: u32) {
  let c = e % C;
  let p = e / C;
  let x = p % W;
  let y = (p / W) % H;
  let b = e / SAMPLE_COUNT;
  let key = dropoutKey(select(layout.$.state.seed, LAYER_SEED, OWN_SEED), layout.$.state.step, LAYER_ID);
  let base = b * SAMPLE_COUNT + c;
  if (KIND == 0u) {
    let flipped = draw(key, b, 0u) < 0.5;
    let xi = select(x, W - 1u - x, flipped && FLIP_X);
    let yi = select(y, H - 1u - y, flipped && FLIP_Y);
    layout.$.output[e] = layout.$.input[base + (yi * W + xi) * C];
    return;
  }
  let m = affine(key, b);
  let point = vec3f(f32(x), f32(y), 1.0);
  layout.$.output[e] = sampleAt(base, dot(m[0], point), dot(m[1], point));
}
