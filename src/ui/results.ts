// Renders test results: headline numbers, the sample-prediction grid, the confusion matrix
// as a classes x classes heat table and the worst mistakes, each class by its name; each worst
// mistake has a Why? button (the page's explain card shows why the model read it so).
import type { Sample, TestResults } from './protocol.ts';
import { imageCanvas } from './images.ts';
import { whyButton } from './why-button.ts';

function $(id: string): HTMLElement {
  return document.getElementById(id)!;
}

/** What a mistake's Why? button passes on: the test sample and what it is. */
export type WhySample = (s: Sample, title: string) => void;

/** `true 7, predicted 1` in the classes' names, with a Why? button where `why` is given. */
function sampleCell(s: Sample, r: TestResults, why?: WhySample): HTMLElement {
  const name = (label: number) => r.classNames[label] ?? String(label);
  const ok = s.predicted === s.label;
  const cell = document.createElement('figure');
  cell.className = ok ? 'digit ok' : 'digit wrong';
  cell.title = `test image #${s.index}: true ${name(s.label)}, predicted ${name(s.predicted)} (${(s.confidence * 100).toFixed(1)}%)`;
  cell.append(imageCanvas(s.image, r.imageShape));
  const caption = document.createElement('figcaption');
  const part = (className: string, text: string) => {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    return span;
  };
  caption.append(part('pred', name(s.predicted)), part('conf', `${(s.confidence * 100).toFixed(0)}%`), part('truth', ok ? '✓' : `✗ true ${name(s.label)}`));
  cell.append(caption);
  if (why) {
    const title = `test image #${s.index} (true ${name(s.label)}, predicted ${name(s.predicted)})`;
    cell.append(whyButton(title, () => why(s, title)));
  }
  return cell;
}

/** A header cell naming class `name`. */
function header(name: string): HTMLElement {
  const th = document.createElement('th');
  th.textContent = name;
  return th;
}

function confusionTable(table: HTMLElement, confusion: number[], names: readonly string[]): void {
  table.replaceChildren();
  const n = names.length;
  const head = document.createElement('tr');
  head.append(document.createElement('th'), ...names.map(header));
  table.append(head);
  let maxOff = 1;
  for (let t = 0; t < n; t++) for (let p = 0; p < n; p++) if (t !== p) maxOff = Math.max(maxOff, confusion[t * n + p]);
  for (let t = 0; t < n; t++) {
    const row = document.createElement('tr');
    row.append(header(names[t]));
    const total = confusion.slice(t * n, (t + 1) * n).reduce((a, b) => a + b, 0) || 1;
    for (let p = 0; p < n; p++) {
      const count = confusion[t * n + p];
      const td = document.createElement('td');
      // The diagonal always shows its count: a class never recognised reads 0, not a green cell.
      td.textContent = count || t === p ? String(count) : '';
      td.title = `true ${names[t]}, predicted ${names[p]}: ${count} (${((count / total) * 100).toFixed(1)}% of the true ${names[t]})`;
      // Shades stay light enough for the dark digits on them to keep a 4.5:1 contrast.
      if (t === p && count > 0) {
        const a = 0.1 + 0.5 * (count / total);
        td.style.background = `rgba(22, 163, 74, ${a.toFixed(3)})`;
        td.className = 'diag';
      } else if (t === p) {
        td.className = 'diag zero';
      } else if (count > 0) {
        const a = 0.1 + 0.45 * (count / maxOff);
        td.style.background = `rgba(220, 38, 38, ${a.toFixed(3)})`;
      }
      row.append(td);
    }
    table.append(row);
  }
}

export function showResults(r: TestResults, why?: WhySample): void {
  $('results-card').hidden = false;
  $('test-loss').textContent = r.loss.toFixed(4);
  $('test-acc').textContent = `${(r.accuracy * 100).toFixed(2)}%`;
  $('test-count').textContent = r.count.toLocaleString('en-US');
  $('samples').replaceChildren(...r.samples.map((s) => sampleCell(s, r)));
  confusionTable($('confusion'), r.confusion, r.classNames);
  const worst = $('worst');
  if (r.worst.length) worst.replaceChildren(...r.worst.map((s) => sampleCell(s, r, why)));
  else worst.textContent = 'No mistakes at all.';
}
