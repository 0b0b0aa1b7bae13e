// Shows a reading over the picture: a box around each digit labelled with the digit and its
// confidence (an uncertain one dashed, with '?' and what it might be), and under it the
// 28x28 fields the model saw, each with a Why? button (the page's explain card shows why). Labels never overlap: one that would is moved below its box,
// then shortened to the bare digit (layoutLabels; the panel calls it again on resize). The
// sentence for screen readers is set by the panel.
import { imageCanvas } from '../images.ts';
import { SIDE } from '../mnist-style.ts';
import { whyButton } from '../why-button.ts';
import { doubtText, percentText, type NumberReading } from './read-number.ts';

/** Draws the boxes of `reading` into `layer`, which lies exactly over a canvas of canvasWidth x canvasHeight pixels. */
export function showBoxes(layer: HTMLElement, reading: NumberReading, canvasWidth: number, canvasHeight: number): void {
  layer.replaceChildren(
    ...reading.digits.map((d, i) => {
      const el = document.createElement('div');
      el.className = 'number-box';
      el.dataset.state = d.uncertain ? 'uncertain' : 'certain';
      el.dataset.digit = String(d.digit);
      el.dataset.confidence = d.confidence.toFixed(4);
      el.dataset.unit = String(d.unit); // digits cut out of one component share it
      const pct = (v: number, of: number) => `${((v / of) * 100).toFixed(3)}%`;
      el.style.left = pct(d.box.x, canvasWidth);
      el.style.top = pct(d.box.y, canvasHeight);
      el.style.width = pct(d.box.width, canvasWidth);
      el.style.height = pct(d.box.height, canvasHeight);
      const label = document.createElement('span');
      label.className = 'number-box-label';
      const doubt = d.uncertain ? doubtText(d, reading.digits) : '';
      label.dataset.full = d.uncertain ? `? ${doubt}` : `${d.digit} · ${percentText(d.confidence)}`;
      label.dataset.short = d.uncertain ? '?' : String(d.digit);
      label.textContent = label.dataset.full;
      el.title = `digit ${i + 1}: ${d.uncertain ? `uncertain, ${doubt}` : `${d.digit}, ${percentText(d.confidence)} sure`}`;
      el.append(label);
      return el;
    }),
  );
  layoutLabels(layer);
}

/** Where a label may go, tried in turn until it overlaps no label placed before it. */
const PLACES = [
  { below: false, short: false },
  { below: true, short: false },
  { below: false, short: true },
  { below: true, short: true },
];

/**
 * Places the labels of the boxes in `layer`, left to right, each at the first of PLACES
 * where it overlaps no label placed before it (the last place when none is free).
 */
export function layoutLabels(layer: HTMLElement): void {
  const placed: DOMRect[] = [];
  for (const label of layer.querySelectorAll<HTMLElement>('.number-box-label')) {
    let rect: DOMRect | undefined;
    for (const place of PLACES) {
      label.classList.toggle('below', place.below);
      label.classList.toggle('short', place.short);
      label.textContent = (place.short ? label.dataset.short : label.dataset.full) ?? '';
      rect = label.getBoundingClientRect();
      if (!placed.some((r) => overlaps(r, rect!))) break;
    }
    placed.push(rect!);
  }
}

function overlaps(a: DOMRect, b: DOMRect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** What a digit's Why? button passes on: the field the model saw (28x28 grey bytes) and what it is. */
export type WhyDigit = (field: Uint8Array, title: string) => void;

/** The fields the model saw, each captioned with what it read, with a Why? button each where `why` is given. */
export function showFields(strip: HTMLElement, reading: NumberReading, fields: Uint8Array[], why?: WhyDigit): void {
  strip.replaceChildren(
    ...reading.digits.map((d, i) => {
      const fig = document.createElement('figure');
      fig.className = `digit ${d.uncertain ? 'wrong' : 'ok'}`;
      const caption = document.createElement('figcaption');
      caption.innerHTML = `<span class="pred"></span><span class="conf"></span>`;
      caption.querySelector('.pred')!.textContent = d.uncertain ? '?' : String(d.digit);
      caption.querySelector('.conf')!.textContent = percentText(d.confidence);
      const canvas = imageCanvas(fields[i], [SIDE, SIDE, 1]);
      canvas.setAttribute('aria-hidden', 'true');
      fig.append(canvas, caption);
      if (why) {
        const title = `digit ${i + 1} of the number read (read as ${d.uncertain ? '?' : d.digit})`;
        fig.append(whyButton(title, () => why(fields[i], title)));
      }
      return fig;
    }),
  );
}
