// The "Inside the network" card: two views of the drawing on the pad, computed in the worker
// (explain-service.ts) while a view is open. "Layers": every layer's output (layers-figure.ts)
// and the first convolution's filters; "Why?": the saliency and Grad-CAM heat maps beside the
// digit for the guess or a chosen class (src/explain/explanation-png.ts's picture), with the
// top classes. One explanation is in flight at a time; the latest drawing is explained next,
// so drawing stays as quick as ever. Each view saves as a PNG.
import { explanationRaster, explanationText } from '../../explain/explanation-png.ts';
import type { Explanation } from '../../explain/explainer.ts';
import { downloadPng } from '../figures.ts';
import { drawLayersFigure, layerTitle } from '../layers-figure.ts';
import { byId, type Panel, type PanelContext } from '../panel.ts';
import type { ModelInput } from '../protocol.ts';
import type { PageState } from '../state.ts';

const MARKUP = `
  <h2 id="explain-title">Inside the network</h2>
  <p class="hint" data-role="status">Draw a digit, then open a view: what each layer makes of it, and which pixels decide the guess.</p>
  <details data-view="layers">
    <summary>Layers</summary>
    <div class="buttons"><button type="button" data-action="save-layers" disabled>Save PNG</button></div>
    <ol class="layer-shapes"></ol>
    <canvas class="explain-figure" data-figure="layers" role="img" aria-label="Each layer's output for the drawn digit, and the first convolution's filters"></canvas>
  </details>
  <details data-view="why">
    <summary>Why?</summary>
    <div class="buttons">
      <label>Explain <select data-role="class"><option value="">the guess</option></select></label>
      <button type="button" data-action="save-why" disabled>Save PNG</button>
    </div>
    <canvas class="explain-figure" data-figure="why" role="img" aria-label="The digit, its saliency heat map and its Grad-CAM heat map, and the class probabilities"></canvas>
    <p class="hint" data-role="caption"></p>
  </details>`;

function part<T extends HTMLElement>(root: HTMLElement, selector: string): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`the explain card has no ${selector}`);
  return el;
}

export function createExplainPanel(ctx: PanelContext): Panel {
  const card = byId('explain-card');
  card.dataset.state = 'empty';
  card.innerHTML = MARKUP;
  const views = [part<HTMLDetailsElement>(card, '[data-view="layers"]'), part<HTMLDetailsElement>(card, '[data-view="why"]')];
  const status = part(card, '[data-role="status"]');
  const classPick = part<HTMLSelectElement>(card, '[data-role="class"]');
  const shapes = part(card, '.layer-shapes');
  const layersCanvas = part<HTMLCanvasElement>(card, '[data-figure="layers"]');
  const whyCanvas = part<HTMLCanvasElement>(card, '[data-figure="why"]');
  const caption = part(card, '[data-role="caption"]');
  const saveLayers = part<HTMLButtonElement>(card, '[data-action="save-layers"]');
  const saveWhy = part<HTMLButtonElement>(card, '[data-action="save-why"]');

  let input: ModelInput | undefined;
  let drawing: Uint8Array | null = null;
  let model: unknown;
  let ready = false;
  let dirty = false; // the drawing, the class or the model changed since the last request
  let inFlight = 0; // id of the request being answered (0: none)
  let nextId = 1;
  let sentImage: Uint8Array | null = null;

  const request = (): void => {
    if (inFlight || !dirty || !ready || !drawing || !views.some((v) => v.open)) return;
    dirty = false;
    inFlight = nextId++;
    sentImage = drawing;
    const classIndex = classPick.value === '' ? undefined : Number(classPick.value);
    card.dataset.state = 'working';
    ctx.send({ type: 'explain', id: inFlight, image: drawing, classIndex });
  };
  const changed = (): void => {
    dirty = true;
    request();
  };
  for (const v of views) v.addEventListener('toggle', request);
  classPick.addEventListener('change', changed);
  saveLayers.addEventListener('click', () => downloadPng(layersCanvas, 'layers.png'));
  saveWhy.addEventListener('click', () => downloadPng(whyCanvas, 'why.png'));

  const show = (e: Explanation, image: Uint8Array, filters: Parameters<typeof drawLayersFigure>[2]): void => {
    const shape = input?.shape;
    if (!shape) return;
    shapes.replaceChildren(...e.featureMaps.map((m) => Object.assign(document.createElement('li'), { textContent: layerTitle(m) })));
    drawLayersFigure(layersCanvas, e.featureMaps, filters);
    const r = explanationRaster(e, { values: image, shape }, { scale: Math.max(1, Math.round(112 / Math.max(shape[0], shape[1]))) });
    whyCanvas.width = r.width;
    whyCanvas.height = r.height;
    const picture = new ImageData(r.width, r.height);
    for (let i = 0; i < r.width * r.height; i++) picture.data.set([r.data[3 * i], r.data[3 * i + 1], r.data[3 * i + 2], 255], 4 * i);
    whyCanvas.getContext('2d')?.putImageData(picture, 0, 0);
    caption.textContent = `${explanationText(e)}. Left: the digit as the model sees it; middle: how much each pixel moves the score of ${e.classIndex}; right: where the ${e.gradCam ? `last convolution (${e.gradCam.layer})` : 'network'} looks.`;
    card.dataset.classIndex = String(e.classIndex);
    saveLayers.disabled = saveWhy.disabled = false;
  };

  return {
    render(s: PageState): void {
      ready = s.modelReady;
      if (s.modelInput !== input) {
        input = s.modelInput;
        const classes = input?.classes ?? 0;
        classPick.replaceChildren(
          Object.assign(document.createElement('option'), { value: '', textContent: 'the guess' }),
          ...Array.from({ length: classes }, (_, k) => Object.assign(document.createElement('option'), { value: String(k), textContent: `class ${k}` })),
        );
        dirty = true;
      }
      if (s.drawing !== drawing || s.active !== model) {
        drawing = s.drawing;
        model = s.active;
        dirty = true;
      }
      status.hidden = !!drawing && ready;
      request();
    },
    onMessage(msg): void {
      if ((msg.type !== 'explanation' && msg.type !== 'explanationFailed') || msg.id !== inFlight) return;
      inFlight = 0;
      if (msg.type === 'explanation' && sentImage) {
        show(msg.answer.explanation, sentImage, msg.answer.filters);
        card.dataset.state = 'ready';
      } else if (msg.type === 'explanationFailed') {
        status.hidden = false;
        status.textContent = `No explanation: ${msg.message}`;
        card.dataset.state = 'error';
      }
      request(); // the drawing may have changed meanwhile
    },
  };
}
