// End-to-end: the usage errors of the real commands (npm run train / evaluate / bench), which
// come before any browser or GPU work: exit code 2 and one line on stderr naming the option or
// file once, with the fix (the closest name) and the pointer to the command's help. Also that
// plain `npm run` (with its banner on stdout) leaves a --json-out file clean.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, type Run } from './run-process.ts';
import { LOCK_FILE } from '../../src/cli/out-lock.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function npmRun(script: string, args: string[], silent = true): Promise<Run> {
  return runProcess('npm', ['run', ...(silent ? ['--silent'] : []), script, '--', ...args], { cwd: ROOT, env: process.env });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'usage-e2e-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The one stderr line of a usage error of `script`, after checking the exit code and stdout. */
function usageLine(run: Run, script: string): string {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error: .+ Run \`npm run ${script} -- --help\` for the options\\.$`));
  expect(lines[0]).not.toMatch(/\bE[A-Z]{3,}\b|\n|    at /); // no errno code, no stack
  return lines[0];
}

describe('usage errors of the commands', () => {
  it('train, evaluate and bench: exit 2, one line, the thing named once and the fix', async () => {
    // --out held by another live run (this test process): a mistyped command still gets its
    // usage error, checked before the lock, and leaves the other run's lock alone.
    const out = join(dir, 'out');
    await mkdir(out);
    const lock = JSON.stringify({ pid: process.pid, started: null });
    await writeFile(join(out, LOCK_FILE), lock);
    const missing = join(dir, 'missing.keras');
    const [preset, init, evaluated, evalOption, benchOption] = await Promise.all([
      npmRun('train', ['--model', 'lenet', '--out', out]),
      npmRun('train', ['--init', join(dir, 'nothing'), '--out', out]),
      npmRun('evaluate', [missing]),
      npmRun('evaluate', ['--jsn', missing]),
      npmRun('bench', ['--quik']),
    ]);
    expect(usageLine(preset, 'train')).toContain('error: --model lenet: no such preset or file (did you mean lenet5? presets: mnist-cnn, lenet5, strided-bn, small-color).');
    expect(usageLine(init, 'train')).toContain(`error: --init ${join(dir, 'nothing')}: no such file or folder.`);
    const line = usageLine(evaluated, 'evaluate');
    expect(line).toContain(`error: ${missing}: no such file or folder.`);
    expect(line.split(missing)).toHaveLength(2); // the path once
    expect(usageLine(evalOption, 'evaluate')).toContain('error: unknown option --jsn (did you mean --json?).');
    expect(usageLine(benchOption, 'bench')).toContain('error: unknown option --quik (did you mean --quick?).');
    expect(await readFile(join(out, LOCK_FILE), 'utf8')).toBe(lock);
  });

  it('--json-out is checked before any work; plain npm run (banner on stdout) leaves the file alone', async () => {
    const target = join(dir, 'no-such-folder', 'test.json');
    const run = await npmRun('evaluate', ['public/trained/mnist-cnn', '--json-out', target], false);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('> webgpu-mnist-trainer@'); // what made `npm run ... --json > FILE` not JSON
    expect(run.stderr.trim()).toMatch(/^error: --json-out \S+: its folder \S+: no such file or folder\. Run `npm run evaluate -- --help`/);
    await expect(readFile(target)).rejects.toThrow();
  });
});
