// Python's sorted() order of strings (by Unicode code point), which Keras's
// image_dataset_from_directory gives its class names; JavaScript's default sort compares UTF-16
// code units, which differs past U+FFFF. Browser-safe.

/** Negative, zero or positive as a comes before, with or after b in Python's order. */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (ch) => ch.codePointAt(0)!);
  const y = Array.from(b, (ch) => ch.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
