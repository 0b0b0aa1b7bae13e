// One writer per --out: the lock file is taken exclusively, refused while a live process of
// another run holds it (naming the folder and the pid), taken over when its process is gone or
// its pid now names another process, and joined by the --node re-run under its parent's lock.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockOutDir, OutDirBusyError, type OutDirLock } from '../../src/cli/out-lock.ts';
import { processStartTime } from '../../src/cli/signals.ts';

let dir: string;
const taken: OutDirLock[] = [];
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'out-lock-'));
});
afterEach(async () => {
  for (const lock of taken.splice(0)) lock.release();
  await rm(dir, { recursive: true, force: true });
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

const lockPath = () => join(dir, LOCK_FILE);
const holderIn = async () => JSON.parse(await readFile(lockPath(), 'utf8')) as { pid: number; started: string | null };
async function take(sameRun: number | null = null): Promise<OutDirLock> {
  const lock = await lockOutDir(dir, sameRun);
  taken.push(lock);
  return lock;
}

/** A process that runs until the tests end. */
function liveProcess(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((done) => child.on('exit', done));
  return child.pid!;
}

describe('lockOutDir', () => {
  it('creates the lock holding this process, and removes it on release', async () => {
    const lock = await take();
    expect(lock.owned).toBe(true);
    expect(await holderIn()).toEqual({ pid: process.pid, started: processStartTime('self') });
    lock.release();
    expect(existsSync(lockPath())).toBe(false);
  });

  it('refuses a folder whose lock a live process of another run holds, naming the folder and the pid', async () => {
    const pid = liveProcess();
    const text = JSON.stringify({ pid, started: processStartTime(pid) });
    await writeFile(lockPath(), text);
    const err = await lockOutDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutDirBusyError);
    expect((err as Error).message).toBe(
      `--out ${dir}: in use by another run of npm run train (pid ${pid}, lock file ${lockPath()}); wait for it to end or stop it`,
    );
    expect(await readFile(lockPath(), 'utf8')).toBe(text);
  });

  it('takes over a lock whose process is gone (a run killed with SIGKILL)', async () => {
    await writeFile(lockPath(), JSON.stringify({ pid: await deadPid(), started: '1' }));
    const lock = await take();
    expect(lock.owned).toBe(true);
    expect((await holderIn()).pid).toBe(process.pid);
  });

  it.skipIf(process.platform !== 'linux')('takes over a lock whose pid now names another process (another start time)', async () => {
    const pid = liveProcess();
    await writeFile(lockPath(), JSON.stringify({ pid, started: `${processStartTime(pid)}0` }));
    expect((await take()).owned).toBe(true);
    expect((await holderIn()).pid).toBe(process.pid);
  });

  it('takes over an unreadable lock once it is old, not while it may still be being written', async () => {
    await writeFile(lockPath(), '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath(), old, old);
    expect((await take()).owned).toBe(true);
  });

  it('joins the lock of the process it runs under (the --node re-run), leaving it in place', async () => {
    const pid = liveProcess();
    const text = JSON.stringify({ pid, started: processStartTime(pid) });
    await writeFile(lockPath(), text);
    const joined = await take(pid);
    expect(joined.owned).toBe(false);
    joined.release();
    expect(await readFile(lockPath(), 'utf8')).toBe(text);
  });

  it('a second take in the same process joins; release leaves a lock that another process took meanwhile', async () => {
    const lock = await take();
    expect((await take()).owned).toBe(false);
    const other = JSON.stringify({ pid: liveProcess(), started: null });
    await writeFile(lockPath(), other);
    lock.release();
    expect(await readFile(lockPath(), 'utf8')).toBe(other);
  });
});
