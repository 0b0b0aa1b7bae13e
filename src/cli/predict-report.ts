// What `npm run predict` says of each picture: the most probable classes with their names and
// probabilities (text), or { file, index, class, probabilities } (--json). A picture's result
// is one PicturePrediction; what another output needs of a picture is added to it. Pure.

/** One classified picture: the file as given and its class probabilities in label order. */
export interface PicturePrediction {
  file: string;
  probabilities: number[];
}

export interface RankedClass {
  index: number;
  name: string;
  probability: number;
}

/** What --json prints per picture. */
export interface PredictionJson {
  file: string;
  /** The label index of the most probable class. */
  index: number;
  /** Its name. */
  class: string;
  /** One per class, in label order. */
  probabilities: number[];
}

/** The `k` most probable classes, most probable first (ties: the lower label first). */
export function topClasses(probabilities: readonly number[], classNames: readonly string[], k: number): RankedClass[] {
  return probabilities
    .map((probability, index) => ({ index, name: classNames[index] ?? String(index), probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, k);
}

/** A probability in percent with one decimal: "97.3%". */
export function percent(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

/** "digits/3.png: 3 97.3%, 8 1.9%, 5 0.4%". */
export function predictionLine(p: PicturePrediction, classNames: readonly string[], k: number): string {
  return `${p.file}: ${topClasses(p.probabilities, classNames, k).map((c) => `${c.name} ${percent(c.probability)}`).join(', ')}`;
}

export function predictionJson(p: PicturePrediction, classNames: readonly string[]): PredictionJson {
  const [best] = topClasses(p.probabilities, classNames, 1);
  return { file: p.file, index: best.index, class: best.name, probabilities: p.probabilities };
}
