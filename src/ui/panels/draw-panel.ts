// The draw-a-digit card: the pad, what the model sees, the guess and the class probabilities.
// It assumes digits: the drawing is made into an MNIST-style field (mnist-style.ts) of the
// model's input height and width (its grey level in every channel), and class i is read as
// the digit i, as for a model trained on MNIST. One prediction is in flight at a time; the
// latest drawing is classified next.
import { greyToChannels } from '../../data/image-pixels.ts';
import { drawImage } from '../images.ts';
import { DrawPad } from '../draw-pad.ts';
import { MNIST_FIELD, type FieldSize } from '../mnist-style.ts';
import { byId, setText, type Panel, type PanelContext } from '../panel.ts';
import { drawingChanged, type PageState } from '../state.ts';
import type { ModelInput, WorkerToPage } from '../protocol.ts';

/** One bar per class, labelled with its index (the digit it stands for). */
function barRows(container: HTMLElement, classes: number): HTMLElement[] {
  const rows = Array.from({ length: classes }, (_, d) => {
    const row = document.createElement('div');
    row.className = 'bar-row';
    row.innerHTML = `<span class="digit-label">${d}</span><span class="track"><span class="fill"></span></span><span class="value"></span>`;
    return row;
  });
  container.replaceChildren(...rows);
  return rows;
}

export function createDrawPanel(ctx: PanelContext): Panel {
  const seen = byId<HTMLCanvasElement>('seen');
  const seenSize = byId('seen-size');
  const guess = byId('guess');
  const hint = byId('draw-hint');
  const bars = byId('bars');
  let rows: HTMLElement[] = [];
  let image: Uint8Array | null = null; // the model's input: (H, W, C) bytes
  let nextId = 1;
  let inFlight = false;
  let wanted = 0; // id of the latest image to classify
  let shown = 0;
  let modelReady = false;
  let model: unknown; // the active model the shown prediction came from
  let input: ModelInput | undefined;

  const field = (): FieldSize => (input ? { height: input.shape[0], width: input.shape[1] } : MNIST_FIELD);
  const request = (): void => {
    if (inFlight || !image || !modelReady || wanted === shown) return;
    inFlight = true;
    ctx.send({ type: 'predict', id: wanted, image });
  };
  /** Reads the pad for the current model's input and shows what the model sees. */
  const readPad = (): void => {
    const { height, width } = field();
    const grey = pad.image({ height, width });
    drawImage(seen, grey ?? new Uint8Array(height * width), [height, width, 1]);
    setText(seenSize, `what the model sees (${width}×${height})`);
    image = grey && greyToChannels(grey, input?.shape[2] ?? 1);
    if (image) wanted = nextId++;
  };
  const pad = new DrawPad(byId<HTMLCanvasElement>('pad'), () => {
    readPad();
    ctx.update((s) => drawingChanged(s, image));
    request();
  });
  byId('clear').addEventListener('click', () => pad.clear());
  readPad();

  return {
    render(s: PageState): void {
      hint.hidden = s.modelReady;
      modelReady = s.modelReady;
      if (s.modelInput !== input) {
        input = s.modelInput;
        rows = barRows(bars, input?.classes ?? 0);
        readPad();
      }
      if (s.active !== model) {
        // Another model: classify the drawing again.
        model = s.active;
        if (image) wanted = nextId++;
      }
      request();
      const p = image ? s.prediction : null;
      guess.title = s.predictionError;
      if (!p || p.length !== rows.length) {
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
      for (let d = 1; d < p.length; d++) if (p[d] > p[best]) best = d;
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
