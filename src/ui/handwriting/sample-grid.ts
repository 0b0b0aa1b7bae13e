// The user's samples as thumbnails, one row per digit: each marked held back or not, with what
// the current model reads it as, and a button that deletes it.
import { imageCanvas } from '../images.ts';
import { DIGITS, SIDE } from '../mnist-style.ts';
import { isHeldBack, type HandwritingSample } from './samples.ts';

export class SampleGrid {
  private readonly thumbs = new Map<string, HTMLCanvasElement>();

  constructor(
    private readonly root: HTMLElement,
    private readonly onDelete: (id: string) => void,
  ) {}

  private thumb(s: HandwritingSample): HTMLCanvasElement {
    let c = this.thumbs.get(s.id);
    if (!c) {
      c = imageCanvas(s.image, [SIDE, SIDE, 1]);
      c.className = 'hw-thumb';
      this.thumbs.set(s.id, c);
    }
    return c;
  }

  /** Shows `samples`; `guesses` holds the current model's reading of each (by id) where known. */
  render(samples: readonly HandwritingSample[], guesses: ReadonlyMap<string, number>): void {
    const rows: HTMLElement[] = [];
    for (let d = 0; d < DIGITS; d++) {
      const mine = samples.filter((s) => s.digit === d);
      const row = document.createElement('div');
      row.className = 'hw-row';
      row.dataset.digit = String(d);
      const label = document.createElement('span');
      label.className = 'hw-row-label';
      label.textContent = `${d} (${mine.length})`;
      row.append(label, ...mine.map((s) => this.sample(s, guesses.get(s.id))));
      rows.push(row);
    }
    this.root.replaceChildren(...rows);
    const live = new Set(samples.map((s) => s.id));
    for (const id of this.thumbs.keys()) if (!live.has(id)) this.thumbs.delete(id);
  }

  private sample(s: HandwritingSample, guess: number | undefined): HTMLElement {
    const held = isHeldBack(s.digit, s.ordinal);
    const fig = document.createElement('figure');
    fig.className = 'hw-sample';
    fig.dataset.id = s.id;
    fig.dataset.heldBack = String(held);
    const caption = document.createElement('figcaption');
    if (guess !== undefined) {
      fig.dataset.guess = String(guess);
      fig.dataset.right = String(guess === s.digit);
    }
    caption.textContent = `${held ? 'held back · ' : ''}${guess === undefined ? '…' : `read ${guess}`}`;
    const del = document.createElement('button');
    del.type = 'button';
    del.className = 'hw-delete';
    del.textContent = '×';
    del.title = `Delete this ${s.digit} (sample ${s.ordinal})`;
    del.setAttribute('aria-label', del.title);
    del.addEventListener('click', () => this.onDelete(s.id));
    fig.append(this.thumb(s), caption, del);
    return fig;
  }
}
