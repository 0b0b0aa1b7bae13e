// The "map of what the network learned" card: on request, the first N test images of the
// chosen dataset through the current model (the input of its last Dense layer), projected to
// 2-D with UMAP in the worker (test-map-job.ts), drawn one dot per image in its true class's
// colour with the misclassified ringed (map-figure.ts). Pointing at a dot (hover, a tap, or
// the arrow keys once the map has focus) shows the image with its true and predicted classes.
// The legend names the dataset's classes; the map saves as a PNG.
import { byId, setText, type Panel, type PanelContext } from '../panel.ts';
import { isIdle, type PageState } from '../state.ts';
import { downloadPng } from '../figures.ts';
import { drawImage } from '../images.ts';
import { int } from '../format.ts';
import { classColors, layoutPoints, nearestPoint, stepPoint, type Direction } from '../map-layout.ts';
import { drawMapPoints, MAP_FRAME, mapCaption, mapFigure } from '../map-figure.ts';
import { DEFAULT_MAP_COUNT, type TestMap } from '../test-map-job.ts';
import type { WorkerToPage } from '../protocol.ts';

const MARKUP = `
  <h2 id="map-title">A map of what the network learned</h2>
  <p class="hint">Each test image becomes a dot, placed by UMAP from what the network makes of it just before its last layer: images it sees alike sit together.
  Colour: the true class; ringed: misclassified. Point at a dot (or tap it, or use the arrow keys on the map) to see the image.</p>
  <div class="buttons">
    <label>Test images <input type="number" data-role="count" min="4" step="1" value="${DEFAULT_MAP_COUNT}"></label>
    <button type="button" data-action="map" disabled>Map the test set</button>
    <button type="button" data-action="save" disabled>Save PNG</button>
  </div>
  <progress data-role="progress" max="1" value="0" hidden></progress>
  <p class="hint" data-role="status" aria-live="polite"></p>
  <div class="map-view" hidden>
    <canvas data-figure="map" tabindex="0" role="img" aria-label="Map of the test images: one dot per image, coloured by its true class"></canvas>
    <div class="map-tip" data-role="tip" hidden><canvas></canvas><span></span></div>
  </div>
  <ul class="map-legend" data-role="legend" aria-label="Classes"></ul>
  <p class="hint" data-role="caption"></p>`;

function part<T extends HTMLElement>(root: HTMLElement, selector: string): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`the map card has no ${selector}`);
  return el;
}

const ARROWS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

export function createMapPanel(ctx: PanelContext): Panel {
  const card = byId('map-card');
  card.dataset.state = 'empty';
  card.innerHTML = MARKUP;
  const countField = part<HTMLInputElement>(card, '[data-role="count"]');
  const mapButton = part<HTMLButtonElement>(card, '[data-action="map"]');
  const saveButton = part<HTMLButtonElement>(card, '[data-action="save"]');
  const progress = part<HTMLProgressElement>(card, '[data-role="progress"]');
  const status = part(card, '[data-role="status"]');
  const view = part(card, '.map-view');
  const canvas = part<HTMLCanvasElement>(card, '[data-figure="map"]');
  const tip = part(card, '[data-role="tip"]');
  const tipImage = part<HTMLCanvasElement>(tip, 'canvas');
  const tipText = part(tip, 'span');
  const legend = part(card, '[data-role="legend"]');
  const caption = part(card, '[data-role="caption"]');

  let map: TestMap | undefined;
  let xy: Float32Array = new Float32Array(0); // (N, 2) canvas coordinates of the map's points
  let shown = -1; // the point whose image is shown
  let inFlight = 0;
  let nextId = 1;
  let model: unknown;

  const draw = (): void => {
    if (!map) return;
    const c = canvas.getContext('2d');
    if (c) drawMapPoints(c, map, xy, MAP_FRAME, shown);
  };

  const show = (i: number): void => {
    if (!map || i === shown) return;
    shown = i;
    draw();
    if (i < 0) {
      tip.hidden = true;
      return;
    }
    const name = (k: number) => map!.classNames[k] ?? String(k);
    drawImage(tipImage, map.images.subarray(i * tipPixels(map), (i + 1) * tipPixels(map)), map.imageShape);
    const wrong = map.labels[i] !== map.predicted[i];
    tipText.innerHTML = '';
    tipText.append(`test image ${int(i)}`, document.createElement('br'), `true: ${name(map.labels[i])}`, document.createElement('br'));
    const guess = Object.assign(document.createElement('span'), { textContent: `predicted: ${name(map.predicted[i])}`, className: wrong ? 'wrong' : '' });
    tipText.append(guess);
    canvas.setAttribute('aria-label', `Map of the test images; test image ${i}: true ${name(map.labels[i])}, predicted ${name(map.predicted[i])}`);
    // Beside the point, inside the view.
    tip.hidden = false;
    const scale = canvas.clientWidth / canvas.width;
    const px = xy[2 * i] * scale;
    const py = xy[2 * i + 1] * scale;
    const left = px + 12 + tip.offsetWidth > canvas.clientWidth ? px - 12 - tip.offsetWidth : px + 12;
    tip.style.left = `${Math.max(0, left)}px`;
    tip.style.top = `${Math.max(0, Math.min(canvas.clientHeight - tip.offsetHeight, py - tip.offsetHeight / 2))}px`;
  };

  const pointAt = (ev: PointerEvent): number => {
    const rect = canvas.getBoundingClientRect();
    const scale = canvas.width / rect.width;
    const radius = (ev.pointerType === 'touch' ? 18 : 10) * scale;
    return nearestPoint(xy, (ev.clientX - rect.left) * scale, (ev.clientY - rect.top) * scale, radius);
  };
  canvas.addEventListener('pointermove', (ev) => show(pointAt(ev)));
  canvas.addEventListener('pointerdown', (ev) => show(pointAt(ev)));
  canvas.addEventListener('pointerleave', (ev) => ev.pointerType === 'mouse' && show(-1));
  canvas.addEventListener('keydown', (ev) => {
    if (!map) return;
    if (ev.key === 'Escape') return show(-1);
    const direction = ARROWS[ev.key];
    if (!direction) return;
    ev.preventDefault();
    show(shown < 0 ? 0 : stepPoint(xy, shown, direction));
  });
  canvas.addEventListener('focus', () => map && shown < 0 && show(0));
  canvas.addEventListener('blur', () => show(-1));

  mapButton.addEventListener('click', () => {
    if (inFlight) return;
    inFlight = nextId++;
    card.dataset.state = 'working';
    mapButton.disabled = true;
    progress.hidden = false;
    progress.removeAttribute('value'); // indeterminate until the worker reports
    setText(status, 'Getting the test images…');
    // The page is busy while mapping: a run, a load or a fine-tune waits for the map (the
    // worker's GPU and the model must stay as they are).
    ctx.update((s) => ({ ...s, busy: true }));
    ctx.send({ type: 'mapTestSet', id: inFlight, count: Number(countField.value || DEFAULT_MAP_COUNT), dataset: ctx.state().dataset });
  });
  saveButton.addEventListener('click', () => map && downloadPng(mapFigure(map), 'test-map.png'));

  const finished = (): void => {
    inFlight = 0;
    ctx.update((s) => ({ ...s, busy: false }));
    progress.hidden = true;
    mapButton.disabled = !ready(ctx.state());
  };

  const shownMap = (m: TestMap): void => {
    map = m;
    shown = -1;
    tip.hidden = true;
    canvas.width = MAP_FRAME.width;
    canvas.height = MAP_FRAME.height;
    xy = layoutPoints(m.points, MAP_FRAME);
    view.hidden = false;
    draw();
    const colors = classColors(m.classNames.length);
    const counts = new Array<number>(m.classNames.length).fill(0);
    for (const l of m.labels) counts[l]++;
    const item = (label: string, swatch: string, color?: string): HTMLLIElement => {
      const li = document.createElement('li');
      const dot = Object.assign(document.createElement('span'), { className: `swatch ${swatch}` });
      if (color) dot.style.background = color;
      li.append(dot, label);
      return li;
    };
    legend.replaceChildren(
      ...m.classNames.map((name, k) => Object.assign(item(name, '', colors[k]), { title: `${int(counts[k])} images` })),
      item('misclassified', 'ring'),
    );
    setText(caption, mapCaption(m));
    setText(status, '');
    card.dataset.points = String(m.count);
    card.dataset.state = 'ready';
    saveButton.disabled = false;
  };

  const forget = (): void => {
    map = undefined;
    xy = new Float32Array(0);
    shown = -1;
    view.hidden = true;
    tip.hidden = true;
    legend.replaceChildren();
    setText(caption, '');
    saveButton.disabled = true;
    if (!inFlight) card.dataset.state = 'empty';
  };

  return {
    render(s: PageState): void {
      if (s.active !== model) {
        model = s.active;
        if (map) forget(); // a map of the model before
      }
      const facts = s.datasets[s.dataset];
      if (facts) countField.max = String(facts.testCount);
      if (!inFlight) mapButton.disabled = !ready(s);
    },
    onMessage(msg: WorkerToPage): void {
      if ((msg.type !== 'testMapProgress' && msg.type !== 'testMap' && msg.type !== 'testMapFailed') || msg.id !== inFlight) return;
      if (msg.type === 'testMapProgress') {
        progress.max = msg.total;
        progress.value = msg.done;
        setText(status, progressText(msg));
      } else if (msg.type === 'testMap') {
        finished();
        shownMap(msg.map);
      } else {
        finished();
        setText(status, `No map: ${msg.message}`);
        card.dataset.state = map ? 'ready' : 'error';
      }
    },
  };
}

function ready(s: PageState): boolean {
  return s.modelReady && isIdle(s);
}

function tipPixels(map: TestMap): number {
  return map.imageShape[0] * map.imageShape[1] * map.imageShape[2];
}

function progressText(p: Extract<WorkerToPage, { type: 'testMapProgress' }>): string {
  if (p.stage === 'features') return `Through the network on the GPU: ${int(p.done)} of ${int(p.total)} test images…`;
  if (p.stage === 'neighbours') return 'UMAP: finding each image’s nearest neighbours…';
  return `UMAP: laying out the map, epoch ${int(p.done)} of ${int(p.total)}…`;
}
