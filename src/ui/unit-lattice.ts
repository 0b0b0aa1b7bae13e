// The candidate digits of one unit of a line, for the number segmenter (segment.ts): a unit
// is a component, or a few components close together (the parts of a broken digit, or
// digits written close), with the cuts proposed through each (cut-paths.ts). Its lattice
// has a boundary at each side, at each cut and in each gap between its components; every
// stretch between two boundaries that holds ink is a candidate digit (joined across a gap,
// or cut out of a component), made into a 28x28 field. Which boundaries to take is decided
// with the classifier (unit-readings.ts). Pure.
import type { CutProposal } from './cut-paths.ts';
import { digitField, imageBox } from './digit-field.ts';
import { between, type Cut, forEachPixel, type InkMap, type Piece } from './digit-pieces.ts';
import type { SegmentedDigit } from './segment.ts';
import type { TextLine } from './text-lines.ts';
import { type Lattice, type LatticePiece, shapeLogPrior } from './unit-readings.ts';

/** Neighbours at most this far apart (a fraction of the digit height)... */
const JOIN_GAP = 0.25;
/** ...and together at most this wide may be one digit's broken strokes: they share a unit. */
const JOIN_WIDTH = 1.0;
/** A candidate whose shape alone has a log prior below this is not classified (the whole unit always is). */
const HOPELESS = -12;

/** The line's components (left to right) grouped into units: neighbours close enough to be one digit share one. */
export function groupUnits(components: Piece[], digitHeight: number): Piece[][] {
  const units: Piece[][] = [];
  for (const c of components) {
    const last = units[units.length - 1]?.at(-1);
    const close = last && c.x0 - last.x1 - 1 <= JOIN_GAP * digitHeight && Math.max(c.x1, last.x1) - Math.min(c.x0, last.x0) + 1 <= JOIN_WIDTH * digitHeight;
    if (close) units[units.length - 1].push(c);
    else units.push([c]);
  }
  return units;
}

/** Where a boundary of the unit lies: inside component `at` (a cut), or between components (at - 0.5 and at + 0.5 bound component at). */
interface Boundary {
  at: number;
  cut: CutProposal | null;
}

/**
 * The lattice of a unit whose components (left to right) have the given cuts; each
 * candidate's field and box is added to `candidates`, its index kept in the lattice.
 */
export function latticeOf(line: TextLine, components: Piece[], cuts: CutProposal[][], digitHeight: number, candidates: SegmentedDigit[]): Lattice {
  const bounds: Boundary[] = [{ at: -0.5, cut: null }];
  components.forEach((_, i) => {
    bounds.push(...cuts[i].map((cut) => ({ at: i, cut })));
    bounds.push({ at: i + 0.5, cut: null });
  });
  const pieces: LatticePiece[] = [];
  for (let from = 0; from < bounds.length - 1; from++) {
    for (let to = from + 1; to < bounds.length; to++) {
      const whole = from === 0 && to === bounds.length - 1;
      const parts = partsBetween(line.map, components, bounds[from], bounds[to]);
      if (!parts) continue;
      const box = boxOf(parts);
      const width = (box.x1 - box.x0 + 1) / digitHeight;
      const height = (box.y1 - box.y0 + 1) / digitHeight;
      if (!whole && shapeLogPrior(width, height) < HOPELESS) continue; // not worth classifying
      const joins = bounds.slice(from + 1, to).filter((b) => b.cut === null).length;
      pieces.push({ from, to, candidate: candidates.length, width, height, elongation: elongation(line.map, parts), joins });
      candidates.push({ box: imageBox(line, parts), pixels: digitField(line.map, parts) });
    }
  }
  return { boundaries: bounds.length, cuts: bounds.map((b) => b.cut), pieces };
}

/** The parts of the components between two boundaries; null when there is no ink or two cuts of one component cross. */
function partsBetween(map: InkMap, components: Piece[], from: Boundary, to: Boundary): Piece[] | null {
  const parts: Piece[] = [];
  for (let i = 0; i < components.length; i++) {
    if (from.at > i || to.at < i) continue; // wholly outside
    const left: Cut | null = from.at === i ? from.cut!.cut : null;
    const right: Cut | null = to.at === i ? to.cut!.cut : null;
    if (left && right && between(map, components[i], right, left)) return null; // the cuts cross in the ink
    const part = between(map, components[i], left, right);
    if (part) parts.push(part);
  }
  return parts.length > 0 ? parts : null;
}

function boxOf(parts: Piece[]): { x0: number; y0: number; x1: number; y1: number } {
  return {
    x0: Math.min(...parts.map((p) => p.x0)),
    y0: Math.min(...parts.map((p) => p.y0)),
    x1: Math.max(...parts.map((p) => p.x1)),
    y1: Math.max(...parts.map((p) => p.y1)),
  };
}

/** The square root of the ratio of the principal moments of the pixels (1 for a disc; a stroke's length over its width). */
function elongation(map: InkMap, parts: Piece[]): number {
  let [n, sx, sy, sxx, syy, sxy] = [0, 0, 0, 0, 0, 0];
  for (const p of parts) {
    forEachPixel(map, p, (x, y) => {
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    });
  }
  const [vx, vy, cxy] = [sxx / n - (sx / n) ** 2, syy / n - (sy / n) ** 2, sxy / n - (sx / n) * (sy / n)];
  const spread = Math.sqrt(((vx - vy) / 2) ** 2 + cxy ** 2);
  const [major, minor] = [(vx + vy) / 2 + spread, (vx + vy) / 2 - spread];
  return Math.sqrt(major / Math.max(minor, 1 / 12));
}
