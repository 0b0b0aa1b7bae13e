// Renders test results: headline numbers, the sample-prediction grid, the confusion matrix
// as a 10x10 heat table and the worst mistakes.
import type { Sample, TestResults } from './protocol.ts';
import { digitCanvas } from './digits.ts';

function $(id: string): HTMLElement {
  return document.getElementById(id)!;
}

function sampleCell(s: Sample): HTMLElement {
  const ok = s.predicted === s.label;
  const cell = document.createElement('figure');
  cell.className = ok ? 'digit ok' : 'digit wrong';
  cell.title = `test image #${s.index}: true ${s.label}, predicted ${s.predicted} (${(s.confidence * 100).toFixed(1)}%)`;
  cell.append(digitCanvas(s.image));
  const caption = document.createElement('figcaption');
  caption.innerHTML =
    `<span class="pred">${s.predicted}</span>` +
    `<span class="conf">${(s.confidence * 100).toFixed(0)}%</span>` +
    `<span class="truth">${ok ? '✓' : `✗ true ${s.label}`}</span>`;
  cell.append(caption);
  return cell;
}

function confusionTable(table: HTMLElement, confusion: number[]): void {
  table.replaceChildren();
  const head = document.createElement('tr');
  head.append(document.createElement('th'));
  for (let c = 0; c < 10; c++) {
    const th = document.createElement('th');
    th.textContent = String(c);
    head.append(th);
  }
  table.append(head);
  let maxOff = 1;
  for (let t = 0; t < 10; t++) for (let p = 0; p < 10; p++) if (t !== p) maxOff = Math.max(maxOff, confusion[t * 10 + p]);
  for (let t = 0; t < 10; t++) {
    const row = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = String(t);
    row.append(th);
    const total = confusion.slice(t * 10, t * 10 + 10).reduce((a, b) => a + b, 0) || 1;
    for (let p = 0; p < 10; p++) {
      const n = confusion[t * 10 + p];
      const td = document.createElement('td');
      // The diagonal always shows its count: a class never recognised reads 0, not a green cell.
      td.textContent = n || t === p ? String(n) : '';
      td.title = `true ${t}, predicted ${p}: ${n} (${((n / total) * 100).toFixed(1)}% of ${t}s)`;
      // Shades stay light enough for the dark digits on them to keep a 4.5:1 contrast.
      if (t === p && n > 0) {
        const a = 0.1 + 0.5 * (n / total);
        td.style.background = `rgba(22, 163, 74, ${a.toFixed(3)})`;
        td.className = 'diag';
      } else if (t === p) {
        td.className = 'diag zero';
      } else if (n > 0) {
        const a = 0.1 + 0.45 * (n / maxOff);
        td.style.background = `rgba(220, 38, 38, ${a.toFixed(3)})`;
      }
      row.append(td);
    }
    table.append(row);
  }
}

export function showResults(r: TestResults): void {
  $('results-card').hidden = false;
  $('test-loss').textContent = r.loss.toFixed(4);
  $('test-acc').textContent = `${(r.accuracy * 100).toFixed(2)}%`;
  $('test-count').textContent = r.count.toLocaleString('en-US');
  $('samples').replaceChildren(...r.samples.map(sampleCell));
  confusionTable($('confusion'), r.confusion);
  const worst = $('worst');
  if (r.worst.length) worst.replaceChildren(...r.worst.map(sampleCell));
  else worst.textContent = 'No mistakes at all.';
}
