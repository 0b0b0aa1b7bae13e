// RunStopper: a signal stops the run once; so does the death of a process of the run above it
// (a wrapper killed without passing the signal on), within about a second.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeFor, isAlive, relaySignalsTo, runAncestors } from '../../src/cli/signals.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = 'test/cli/stopper-child.ts';
const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts the fixture under `sh -c` (sh stays its parent and prints its exit code); resolves with its pid. */
function startUnderShell(): Promise<{ shell: ChildProcess; pid: number; output: () => string }> {
  const shell = spawn('sh', ['-c', `node --import tsx ${FIXTURE}; echo "exit $?"`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(shell);
  let output = '';
  return new Promise((done, fail) => {
    shell.stdout!.on('data', (d) => {
      output += d;
      const m = /ready (\d+)/.exec(output);
      if (m) done({ shell, pid: Number(m[1]), output: () => output });
    });
    shell.on('error', fail);
  });
}

async function waitUntil(test: () => boolean, ms: number): Promise<boolean> {
  for (const end = performance.now() + ms; performance.now() < end; ) {
    if (test()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return test();
}

describe('RunStopper', () => {
  it('maps signals to 128 + their number', () => {
    expect(exitCodeFor('SIGINT')).toBe(130);
    expect(exitCodeFor('SIGTERM')).toBe(143);
    expect(exitCodeFor('SIGHUP')).toBe(129);
  });

  it('lists this process group\'s ancestors', () => {
    const ancestors = runAncestors();
    expect(ancestors.every((pid) => pid > 1 && isAlive(pid))).toBe(true);
    if (process.platform === 'linux') expect(ancestors[0]).toBe(process.ppid);
  });

  it('stops once on SIGINT with exit code 130', async () => {
    const { shell, pid, output } = await startUnderShell();
    process.kill(pid, 'SIGINT');
    process.kill(pid, 'SIGINT');
    expect(await waitUntil(() => !isAlive(pid), 5000)).toBe(true);
    expect(output().match(/stopped/g)).toEqual(['stopped']);
    expect(output()).toContain('stopped SIGINT');
    expect(await waitUntil(() => output().includes('exit '), 5000)).toBe(true);
    expect(output()).toContain('exit 130');
    expect(shell.exitCode === null || shell.exitCode === 0).toBe(true);
  });

  it('stops within seconds when the process above it is killed without passing a signal on', async () => {
    const { shell, pid, output } = await startUnderShell();
    shell.kill('SIGKILL');
    const t0 = performance.now();
    expect(await waitUntil(() => !isAlive(pid), 5000)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(output()).toContain('stopped SIGTERM');
  });
});

describe('endBySignal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('ends the process by %s itself, which the parent relaying signals reports as 128 + its number', async (signal) => {
    const child = spawn('node', ['--import', 'tsx', 'test/cli/end-by-signal-child.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    started.push(child);
    await new Promise<void>((ready) => child.stdout!.on('data', (d) => String(d).includes('ready') && ready()));
    const code = relaySignalsTo(child);
    const ended = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, s) => done(s)));
    child.kill(signal);
    expect(await ended).toBe(signal);
    expect(await code).toBe(exitCodeFor(signal));
  });
});
