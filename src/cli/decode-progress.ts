// The progress line of a dataset being decoded, on stderr: rewritten in place on a terminal (at
// most every 100 ms), else one line at most every 5 s; ended with the whole count and time.
import type { DecodeProgress } from '../data/image-folder.ts';
import { formatCount } from '../io/load-limits.ts';

export class DecodeProgressLine {
  private last = 0;
  private readonly start = performance.now();
  private shown = false;

  constructor(
    private readonly what: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(p: DecodeProgress): void {
    const now = performance.now();
    const tty = Boolean(this.stream.isTTY);
    if (now - this.last < (tty ? 100 : 5000) && p.done < p.total) return;
    if (!tty && p.done === p.total && !this.shown) return; // a quick decode needs no line before its end
    this.last = now;
    const line = `Decoding ${this.what}: ${formatCount(p.done)}/${formatCount(p.total)} images`;
    if (tty) this.stream.write(`\r${line}\x1b[K`);
    else this.stream.write(`${line}\n`);
    this.shown = true;
  }

  /** Ends the line (on a terminal) and returns the seconds taken. */
  end(): number {
    if (this.shown && this.stream.isTTY) this.stream.write('\r\x1b[K');
    return (performance.now() - this.start) / 1000;
  }
}
