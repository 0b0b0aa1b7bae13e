// The page's and bench.html's view of a run's autotuning (src/ui/tune-view.ts): the heading,
// one row per layer and pass with how it was chosen and every candidate's time or "invalid",
// and the HTML text both pages insert.
import { describe, expect, it } from 'vitest';
import { tuningHistory } from '../../src/tune/report.ts';
import { escapeHtml, tuneView, tuneViewHtml } from '../../src/ui/tune-view.ts';
import { CACHED_SLOT, TUNED_SLOT, tuneReport } from './tune-report-fixture.ts';

const tuned = tuningHistory(tuneReport('on', 'on'));

describe('tune view', () => {
  it('heads a tuned run "Kernels tuned for this GPU" and gives a row per layer and pass', () => {
    const v = tuneView(tuned);
    expect(v.heading).toBe('Kernels tuned for this GPU');
    expect(v.detail).toMatch(/^3 layer passes with a choice: 1 tuned now, 1 from the cache, 1 left to the fixed rules; measured with timestamp queries/);
    expect(v.rows.map((r) => [r.layer, r.pass, r.plan, r.choice, r.how])).toEqual([
      ['conv2d_1', 'forward', 'training, batch 64', 'conv2d.forward.tile4x4', 'tuned now'],
      ['dense', 'forward', 'evaluation, batch 500', 'dense.forward.tile16x16', 'cached'],
      ['dense', 'backward-weights', 'training, batch 64', 'dense.backward-weights.tile16x16', 'fixed rules (not tuned: the reference output has NaN)'],
    ]);
  });

  it('shows every candidate with its median time to the microsecond, or "invalid" and the first line of why', () => {
    const [first, second] = tuneView(tuned).rows;
    expect(first.candidates).toEqual([
      { id: 'conv2d.forward.tile4x4', text: '100.400 ms', chosen: true },
      { id: 'conv2d.forward.tile5x5', text: '144.851 ms', chosen: false },
      { id: 'conv2d.forward.tiled', text: 'invalid', chosen: false, invalid: 'logits differ by 3e-2 > 1e-4' },
    ]);
    expect(second.candidates.map((c) => c.chosen)).toEqual([true, false]);
  });

  it('says why the fixed rules chose: turned off, a software adapter under auto, or nothing to choose', () => {
    const off = tuneView(tuningHistory(tuneReport('off', 'off', [])));
    expect(off.heading).toBe('Kernels: the fixed rules');
    expect(off.detail).toMatch(/turned off/);
    expect(off.rows).toEqual([]);
    const software = tuneView(tuningHistory(tuneReport('auto', 'off', [])));
    expect(software.heading).toBe('Kernels: the fixed rules');
    expect(software.detail).toMatch(/software adapter.*hardware GPU/);
    const none = tuneView(tuningHistory(tuneReport('refresh', 'refresh', [])));
    expect(none.heading).toBe('Kernels: the fixed rules');
    expect(none.detail).toMatch(/No layer of this model has more than one kernel/);
  });

  it('counts only the ways that chose, and leaves out how it was timed when nothing was measured', () => {
    expect(tuneView(tuningHistory(tuneReport('refresh', 'refresh', [TUNED_SLOT]))).detail).toMatch(/^1 layer pass with a choice: 1 tuned now; measured with timestamp queries\./);
    const cached = tuneView(tuningHistory(tuneReport('on', 'on', [CACHED_SLOT]))).detail;
    expect(cached).toMatch(/^1 layer pass with a choice: 1 from the cache\. /);
    expect(cached).not.toMatch(/measured with/);
  });

  it('renders a table with one row per slot, escaped, and no table when the fixed rules chose', () => {
    const html = tuneViewHtml(tuned, 'kernels-table');
    expect(html).toContain('<table id="kernels-table" class="tune-table">');
    expect(html.match(/<tr data-source="/g)).toHaveLength(3);
    expect([...html.matchAll(/<tr data-source="(\w+)"/g)].map((m) => m[1])).toEqual(['tuned', 'cache', 'fixed']);
    expect(html.match(/<th scope="col">/g)).toHaveLength(6);
    expect(html).toContain('<li class="chosen"><code>conv2d.forward.tile4x4</code> 100.400 ms</li>');
    expect(html).toContain('<li class="invalid" title="logits differ by 3e-2 &gt; 1e-4"><code>conv2d.forward.tiled</code> invalid: logits differ by 3e-2 &gt; 1e-4</li>');
    expect(html).not.toContain('at index 7'); // only the reason's first line
    const off = tuneViewHtml(tuningHistory(tuneReport('off', 'off', [])));
    expect(off).not.toContain('<table');
    expect(off).toMatch(/^<p class="tune-detail">Kernel tuning is turned off/);
  });

  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
