// The draw-a-digit card: the pad, what the model sees, the guess and the ten probabilities.
// One prediction is in flight at a time; the latest drawing is classified next.
import { drawDigit } from '../digits.ts';
import { DrawPad } from '../draw-pad.ts';
import { byId, setText, type Panel, type PanelContext } from '../panel.ts';
import { drawingChanged, type PageState } from '../state.ts';
import type { WorkerToPage } from '../protocol.ts';

const CLASSES = 10;

export function createDrawPanel(ctx: PanelContext): Panel {
  const seen = byId<HTMLCanvasElement>('seen');
  const guess = byId('guess');
  const hint = byId('draw-hint');
  const rows: HTMLElement[] = [];
  for (let d = 0; d < CLASSES; d++) {
    const row = document.createElement('div');
    row.className = 'bar-row';
    row.innerHTML = `<span class="digit-label">${d}</span><span class="track"><span class="fill"></span></span><span class="value"></span>`;
    byId('bars').append(row);
    rows.push(row);
  }
  let image: Uint8Array | null = null;
  let nextId = 1;
  let inFlight = false;
  let wanted = 0; // id of the latest image to classify
  let shown = 0;
  let modelReady = false;
  let model: unknown; // the active model the shown prediction came from

  const request = (): void => {
    if (inFlight || !image || !modelReady || wanted === shown) return;
    inFlight = true;
    ctx.send({ type: 'predict', id: wanted, image });
  };
  const pad = new DrawPad(byId<HTMLCanvasElement>('pad'), (img) => {
    image = img;
    drawDigit(seen, img ?? new Uint8Array(28 * 28));
    if (img) wanted = nextId++;
    ctx.update((s) => drawingChanged(s, !img));
    request();
  });
  byId('clear').addEventListener('click', () => pad.clear());
  drawDigit(seen, new Uint8Array(28 * 28));

  return {
    render(s: PageState): void {
      hint.hidden = s.modelReady;
      modelReady = s.modelReady;
      if (s.active !== model) {
        // Another model: classify the drawing again.
        model = s.active;
        if (image) wanted = nextId++;
      }
      request();
      const p = image ? s.prediction : null;
      guess.title = s.predictionError;
      if (!p) {
        setText(guess, '–');
        guess.dataset.state = 'empty';
        rows.forEach((r) => {
          (r.querySelector('.fill') as HTMLElement).style.width = '0%';
          (r.querySelector('.value') as HTMLElement).textContent = '';
          r.classList.remove('top');
        });
        return;
      }
      let best = 0;
      for (let d = 1; d < CLASSES; d++) if (p[d] > p[best]) best = d;
      setText(guess, String(best));
      guess.dataset.state = 'ready';
      guess.title = `${(p[best] * 100).toFixed(1)}% sure`;
      rows.forEach((r, d) => {
        (r.querySelector('.fill') as HTMLElement).style.width = `${(p[d] * 100).toFixed(1)}%`;
        (r.querySelector('.value') as HTMLElement).textContent = `${(p[d] * 100).toFixed(1)}%`;
        r.classList.toggle('top', d === best);
      });
    },
    onMessage(msg: WorkerToPage): void {
      if (msg.type === 'prediction') {
        inFlight = false;
        shown = msg.id;
        request(); // the drawing may have changed meanwhile
      } else if (msg.type === 'error' && msg.context === 'predict') {
        inFlight = false;
      }
    },
  };
}
