// "Did you mean ...?" for a mistyped name: the closest of the known names by edit distance
// (insertions, deletions, substitutions and swaps of two neighbours each cost 1), or the one
// name the input begins.

/** Edit distance of `a` and `b` (optimal string alignment: adjacent swaps count 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name closest to `input` (case ignored): the only one it is a prefix of, else the
 * nearest within a third of its length (at least 2 edits allowed); null when none is near.
 */
export function closestName(input: string, names: readonly string[]): string | null {
  const s = input.trim().toLowerCase();
  if (s === '') return null;
  const prefixed = names.filter((n) => n.toLowerCase().startsWith(s));
  if (prefixed.length === 1) return prefixed[0];
  const limit = Math.max(2, Math.floor(s.length / 3));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const name of names) {
    const distance = editDistance(s, name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : null;
}

/** " (did you mean X?)" for the closest known name, or "". */
export function didYouMean(input: string, names: readonly string[]): string {
  const near = closestName(input, names);
  return near === null ? '' : ` (did you mean ${near}?)`;
}
