// The "Your data" card: the user's own images given to the page (a folder dropped or picked, a
// zip of one, a Keras .npz) and read by the worker, with a progress bar while decoding; then
// the dataset as read: its classes with their training and test counts, the files left out, a
// few images of each class, and, where the model to train does not fit the images or the
// classes, why and the model that does (model-fit.ts).
import { skippedLine } from '../../data/folder-layout.ts';
import { listNames, shapeText } from '../../data/image-dataset.ts';
import type { DatasetSummary } from '../../data/dataset-summary.ts';
import type { DatasetFacts } from '../../data/dataset-facts.ts';
import { pathsOfFiles, uploadOf, uploadOfDrop } from '../dataset-drop.ts';
import type { DatasetUpload } from '../../data/dataset-upload.ts';
import { int } from '../format.ts';
import { imageCanvas } from '../images.ts';
import { configProblem } from '../model-config.ts';
import { fittedConfig } from '../model-fit.ts';
import { byId, setText, type Panel, type PanelContext } from '../panel.ts';
import { configChanged, messageShown, ownDatasetGiven, ownDatasetRefused, type PageState } from '../state.ts';

function classTable(table: HTMLElement, own: DatasetSummary): void {
  const row = (cells: string[], head = false) => {
    const tr = document.createElement('tr');
    cells.forEach((text, i) => {
      const cell = document.createElement(head || i === 0 ? 'th' : 'td');
      cell.textContent = text;
      tr.append(cell);
    });
    return tr;
  };
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  table.replaceChildren(
    row(['Class', 'Train', 'Test'], true),
    ...own.classNames.map((name, c) => row([name, int(own.trainCounts[c]), int(own.testCounts[c])])),
    row(['All', int(sum(own.trainCounts)), int(sum(own.testCounts))]),
  );
}

function sampleGrid(grid: HTMLElement, own: DatasetSummary): void {
  grid.replaceChildren(
    ...own.samples.map((s) => {
      const cell = document.createElement('figure');
      cell.className = 'digit';
      cell.append(imageCanvas(s.image, own.imageShape));
      const caption = document.createElement('figcaption');
      caption.textContent = own.classNames[s.label];
      cell.append(caption);
      return cell;
    }),
  );
}

function headline(own: DatasetSummary): string {
  const train = own.trainCounts.reduce((a, b) => a + b, 0);
  const test = own.testCounts.reduce((a, b) => a + b, 0);
  const split = own.testSplit === null ? 'its own train and test split' : `${own.testSplit} of each class held out for testing`;
  return `${own.name}: ${own.classNames.length} classes ${listNames(own.classNames)}, ${int(train)} training and ${int(test)} test images of ${shapeText(own.imageShape)} (${split}).`;
}

export function createDataPanel(ctx: PanelContext): Panel {
  const drop = byId('data-drop');
  const folder = byId<HTMLInputElement>('data-folder');
  const file = byId<HTMLInputElement>('data-file');
  const progress = byId('data-progress');
  const progressText = byId('data-progress-text');
  const fill = byId('data-bar-fill');
  const error = byId('data-error');
  const summary = byId('data-summary');
  const fitText = byId('data-fit-text');
  const fitButton = byId<HTMLButtonElement>('data-fit');
  let shown: DatasetSummary | undefined;
  /** The fitted config offered, kept while the config and the dataset stay the same (render runs on every change). */
  let offer: { config: PageState['config']; facts: DatasetFacts; fitted: ReturnType<typeof fittedConfig> } | undefined;
  const fittedFor = (config: PageState['config'], facts: DatasetFacts) => {
    if (offer?.config !== config || offer.facts !== facts) offer = { config, facts, fitted: fittedConfig(config, facts, true) };
    return offer.fitted;
  };

  /** Whether a dataset may be given now (else the reason is shown). */
  const mayGive = (): boolean => {
    const s = ctx.state();
    if (s.running) ctx.update((x) => ownDatasetRefused(x, 'Stop the current run before giving the page another dataset.'));
    return !s.running && !s.ownReading;
  };
  const give = (upload: DatasetUpload | null): void => {
    if (!upload) return ctx.update((x) => ownDatasetRefused(x, 'Nothing to read: no files were given.'));
    ctx.update((x) => ownDatasetGiven(x, upload.name));
    ctx.send({ type: 'loadDataset', upload });
  };
  const fromInput = (input: HTMLInputElement) => {
    const files = Array.from(input.files ?? []);
    input.value = ''; // the same folder given again is read again
    if (mayGive()) give(uploadOf(pathsOfFiles(files)));
  };
  folder.addEventListener('change', () => fromInput(folder));
  file.addEventListener('change', () => fromInput(file));

  // A drop anywhere on the page but a file input (the weights' own) is a dataset.
  const isDatasetDrop = (e: DragEvent) => !!e.dataTransfer?.types.includes('Files') && !(e.target instanceof HTMLInputElement);
  document.addEventListener('dragover', (e) => {
    if (!isDatasetDrop(e)) return;
    e.preventDefault();
    drop.classList.add('over');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) drop.classList.remove('over');
  });
  document.addEventListener('drop', (e) => {
    drop.classList.remove('over');
    if (!isDatasetDrop(e)) return;
    e.preventDefault();
    if (!mayGive()) return;
    ctx.update((x) => ownDatasetGiven(x, 'the dropped files')); // the bar shows while the folders are walked
    uploadOfDrop(e.dataTransfer!).then(give, (err: unknown) => ctx.update((x) => ownDatasetRefused(x, `Could not read the drop: ${err instanceof Error ? err.message : String(err)}`)));
  });

  fitButton.addEventListener('click', () => {
    const s = ctx.state();
    const facts = s.datasets.own;
    const fitted = facts && fittedFor(s.config, facts);
    if (!fitted || !s.own) return;
    ctx.update((x) => messageShown(configChanged(x, fitted.config), `The model to train is now ${fitted.from}, made to take ${shapeText(facts.imageShape)} images and ${facts.classNames.length} classes.`, 'ok'));
  });

  return {
    render(s: PageState): void {
      const reading = s.ownReading;
      progress.hidden = !reading;
      if (reading) {
        const f = reading.total ? reading.done / reading.total : 0;
        setText(progressText, reading.total ? `Reading ${reading.name}: ${int(reading.done)} of ${int(reading.total)} pictures…` : `Reading ${reading.name}…`);
        fill.style.width = `${(f * 100).toFixed(1)}%`;
        fill.parentElement!.setAttribute('aria-valuenow', (f * 100).toFixed(0));
      }
      folder.disabled = file.disabled = s.running || !!reading;
      setText(error, s.ownError);
      summary.hidden = !s.own;
      if (s.own && s.own !== shown) {
        shown = s.own;
        setText(byId('data-headline'), headline(s.own) + (s.ownKept ? ' Kept in this browser from an earlier visit.' : ''));
        classTable(byId('data-classes'), s.own);
        setText(byId('data-skipped'), s.own.skipped.count ? skippedLine(s.own.skipped.first, s.own.skipped.count) : '');
        sampleGrid(byId('data-samples'), s.own);
        setText(byId('data-cli'), s.own.cliOptions);
      }
      const facts = s.datasets.own;
      const problem = s.dataset === 'own' && facts ? configProblem(s.config, facts) : '';
      const fitted = problem && facts ? fittedFor(s.config, facts) : null;
      setText(fitText, problem ? `The model to train does not fit this data: ${problem}.${fitted ? '' : ' No preset can be made to fit these images: edit the config.'}` : '');
      fitButton.hidden = !fitted;
      fitButton.disabled = s.running;
      if (fitted) setText(fitButton, `Fit the model to this data (${fitted.from}: ${shapeText(facts!.imageShape)} in, ${facts!.classNames.length} classes out)`);
    },
  };
}
