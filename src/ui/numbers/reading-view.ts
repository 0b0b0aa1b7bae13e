// Shows a reading over the picture: a box around each digit labelled with the digit and its
// confidence (an uncertain one dashed, with '?' and its candidates), and under it the
// fields the model saw (28x28 for an MNIST model). The sentence for screen readers is set by the panel.
import { imageCanvas } from '../images.ts';
import type { FieldSize } from '../mnist-style.ts';
import { candidatesText, percentText, type NumberReading } from './read-number.ts';

/** Draws the boxes of `reading` into `layer`, which lies exactly over a canvas of canvasWidth x canvasHeight pixels. */
export function showBoxes(layer: HTMLElement, reading: NumberReading, canvasWidth: number, canvasHeight: number): void {
  layer.replaceChildren(
    ...reading.digits.map((d, i) => {
      const el = document.createElement('div');
      el.className = 'number-box';
      el.dataset.state = d.uncertain ? 'uncertain' : 'certain';
      el.dataset.digit = String(d.digit);
      el.dataset.confidence = d.confidence.toFixed(4);
      const pct = (v: number, of: number) => `${((v / of) * 100).toFixed(3)}%`;
      el.style.left = pct(d.box.x, canvasWidth);
      el.style.top = pct(d.box.y, canvasHeight);
      el.style.width = pct(d.box.width, canvasWidth);
      el.style.height = pct(d.box.height, canvasHeight);
      const label = document.createElement('span');
      label.className = 'number-box-label';
      label.textContent = d.uncertain ? `? ${candidatesText(d)}` : `${d.digit} · ${percentText(d.confidence)}`;
      el.title = `digit ${i + 1}: ${d.uncertain ? `uncertain, ${candidatesText(d)}` : `${d.digit}, ${percentText(d.confidence)} sure`}`;
      el.append(label);
      return el;
    }),
  );
}

/** The fields the model saw (grey, of `field`'s size), each captioned with what it read. */
export function showFields(strip: HTMLElement, reading: NumberReading, fields: Uint8Array[], field: FieldSize): void {
  strip.replaceChildren(
    ...reading.digits.map((d, i) => {
      const fig = document.createElement('figure');
      fig.className = `digit ${d.uncertain ? 'wrong' : 'ok'}`;
      const caption = document.createElement('figcaption');
      caption.innerHTML = `<span class="pred"></span><span class="conf"></span>`;
      caption.querySelector('.pred')!.textContent = d.uncertain ? '?' : String(d.digit);
      caption.querySelector('.conf')!.textContent = percentText(d.confidence);
      const canvas = imageCanvas(fields[i], [field.height, field.width, 1]);
      canvas.setAttribute('aria-hidden', 'true');
      fig.append(canvas, caption);
      return fig;
    }),
  );
}
