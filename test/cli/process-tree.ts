// Linux /proc helpers for the end-to-end tests: the processes under a pid (npm, tsx, node,
// Chromium and its helpers), and whether they are still alive.
import { readdirSync, readFileSync } from 'node:fs';
import { isAlive } from '../../src/cli/signals.ts';

export interface Proc {
  pid: number;
  ppid: number;
  /** The command line, arguments joined by spaces. */
  cmd: string;
}

function allProcesses(): Proc[] {
  const list: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      list.push({ pid: Number(name), ppid, cmd });
    } catch {
      // exited meanwhile
    }
  }
  return list;
}

/** Every process below `pid` (children, their children, ...). */
export function descendants(pid: number): Proc[] {
  const all = allProcesses();
  const found: Proc[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const p of all) {
      if (p.ppid === parent) {
        found.push(p);
        queue.push(p.pid);
      }
    }
  }
  return found;
}

/** The processes of `list` still running (zombies count as ended). */
export function stillAlive(list: Proc[]): Proc[] {
  return list.filter((p) => isAlive(p.pid));
}
