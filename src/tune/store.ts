// The autotuning cache where it is kept (a file for the CLI, IndexedDB in the page): loaded once
// per run, then updated with what the run measured. A corrupt or foreign document is ignored
// with one warning and replaced at the next write.
import { oneLine } from '../io/file-format-error.ts';
import { emptyTuneCache, mergeTuneEntries, type ParsedTuneCache, type TuneCache, type TuneEntry } from './cache.ts';

/** Reads and writes the whole cache document in one place. */
export interface TuneCacheBackend {
  /** Where the cache is, for messages ("~/.cache/.../autotune.json", "IndexedDB ..."). */
  where: string;
  read(): Promise<ParsedTuneCache>;
  write(cache: TuneCache): Promise<void>;
}

export class TuneCacheStore {
  private cache: TuneCache = emptyTuneCache();
  private rebuild = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly backend: TuneCacheBackend,
    private readonly warn: (line: string) => void,
  ) {}

  /** Loads the document (warning once if it is ignored) and returns the cache. */
  async load(): Promise<TuneCache> {
    const { cache, problem } = await this.backend.read();
    if (problem) this.warn(oneLine(`warning: autotuning cache ${this.backend.where} ignored and rebuilt: ${problem}`));
    this.cache = cache;
    this.rebuild = problem !== null;
    return cache;
  }

  get current(): TuneCache {
    return this.cache;
  }

  /**
   * Adds a run's new entries at once (current sees them) and writes the document (also when an
   * ignored one is to be replaced); writes happen one after another. Resolves when this one is done.
   */
  record(updates: Record<string, TuneEntry>): Promise<void> {
    if (Object.keys(updates).length === 0 && !this.rebuild) return this.writing;
    this.cache = mergeTuneEntries(this.cache, updates);
    this.rebuild = false;
    const cache = this.cache;
    this.writing = this.writing.catch(() => {}).then(() => this.backend.write(cache));
    return this.writing;
  }

  /** Resolves when every write asked for so far has ended (a failed one was reported by its record()). */
  settled(): Promise<void> {
    return this.writing.catch(() => {});
  }
}
