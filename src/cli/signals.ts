// Node-only: how a run of `npm run train` learns that it must stop. SIGINT, SIGTERM and SIGHUP,
// and also the death of any process of the run above this one (npm, tsx, the parent of the
// --node child): a wrapper killed without passing the signal on must not leave training behind.
// The run's processes are this process's ancestors in its process group (Linux /proc); elsewhere
// only the parent is watched.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
export const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Exit code of a run stopped by `signal`: 128 + its number (SIGINT 130, SIGTERM 143). */
export function exitCodeFor(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 15);
}

/** How often the run's ancestors are checked. */
const WATCH_INTERVAL_MS = 500;

interface ProcStat {
  ppid: number;
  pgrp: number;
  state: string;
  /** When the process started (clock ticks since boot): with the pid, names one process. */
  startTime: string;
}

function procStat(pid: number | 'self'): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid pgrp ... starttime (field 22); comm may hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], ppid: Number(fields[1]), pgrp: Number(fields[2]), startTime: fields[19] };
  } catch {
    return null;
  }
}

/** This process's ancestors in its own process group, nearest first (empty without /proc). */
export function runAncestors(): number[] {
  const self = procStat('self');
  if (!self) return [];
  const ancestors: number[] = [];
  for (let pid = self.ppid; pid > 1 && ancestors.length < 32; ) {
    const s = procStat(pid);
    if (!s || s.pgrp !== self.pgrp) break;
    ancestors.push(pid);
    pid = s.ppid;
  }
  return ancestors;
}

/** When process `pid` started, as an opaque token (null without /proc or once it has exited). */
export function processStartTime(pid: number | 'self'): string | null {
  return procStat(pid)?.startTime ?? null;
}

/** False once `pid` has exited (a zombie counts as exited). */
export function isAlive(pid: number): boolean {
  const s = procStat(pid);
  if (s) return s.state !== 'Z' && s.state !== 'X';
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `onStop` once, with the signal received, or SIGTERM when a process of the run above
 * this one has died. `install` starts watching; `dispose` stops (the handlers are removed).
 */
export class RunStopper {
  private received: StopSignal | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly handlers = new Map<StopSignal, () => void>();
  private readonly waiters: ((signal: StopSignal) => void)[] = [];

  constructor(private readonly onStop: (signal: StopSignal) => void) {}

  /** The signal that stopped the run, or null while it runs. */
  get signal(): StopSignal | null {
    return this.received;
  }

  install(): this {
    for (const s of STOP_SIGNALS) {
      const handler = () => this.stop(s);
      this.handlers.set(s, handler);
      process.on(s, handler);
    }
    const parent = process.ppid;
    const ancestors = runAncestors();
    this.timer = setInterval(() => {
      if (process.ppid !== parent || ancestors.some((pid) => !isAlive(pid))) this.stop('SIGTERM');
    }, WATCH_INTERVAL_MS);
    this.timer.unref();
    return this;
  }

  /**
   * Resolves with the stop signal as soon as one arrives, or with null after `ms`: a failure
   * that a stop may have caused (Ctrl-C reaches Chromium too, which can die before this process
   * hears the signal) waits this long before it is treated as a failure of its own.
   */
  stopWithin(ms: number): Promise<StopSignal | null> {
    if (this.received) return Promise.resolve(this.received);
    return new Promise((done) => {
      const timer = setTimeout(() => done(null), ms);
      this.waiters.push((signal) => {
        clearTimeout(timer);
        done(signal);
      });
    });
  }

  private stop(signal: StopSignal): void {
    if (this.received) return; // Ctrl-C reaches every process of the group: once is enough.
    this.received = signal;
    clearInterval(this.timer);
    this.onStop(signal);
    for (const wake of this.waiters.splice(0)) wake(signal);
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const [s, handler] of this.handlers) process.off(s, handler);
    this.handlers.clear();
  }
}

/**
 * For a parent that only waits for `child` (the --node re-run): passes the stop signals on and
 * resolves with the child's exit code (128 + signal number when a signal ended it).
 */
export function relaySignalsTo(child: ChildProcess): Promise<number> {
  const relay = (s: StopSignal) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(s);
  };
  const handlers = STOP_SIGNALS.map((s) => [s, relay(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return new Promise((done) =>
    child.on('exit', (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      done(code ?? (signal ? exitCodeFor(signal) : 1));
    }),
  );
}

/**
 * Ends this process by `signal`'s default action (no exit-time teardown): the --node re-run
 * child does so after a stop, because Dawn can crash (SIGSEGV, exit 139) tearing down at
 * process.exit while its device is alive; the parent (relaySignalsTo) turns the signal into
 * the same exit code, 128 + its number.
 */
export function endBySignal(signal: StopSignal): void {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}
