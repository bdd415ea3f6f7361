import { existsSync, readFileSync } from 'node:fs';

/** One line the sample app's `JOBS_LEDGER_FILE` hook wrote: a handler started or finished a try. */
export interface Execution {
  phase: 'start' | 'done';
  id: string;
  attempt: number;
  at: number;
}

/** A worker's ledger file, read back: what its handlers actually ran. */
export class Ledger {
  constructor(readonly file: string) {}

  read(): Execution[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8').split('\n').filter(Boolean).map((line) => {
      const [phase, id, attempt, at] = line.split(' ');
      if ((phase !== 'start' && phase !== 'done') || !id || !attempt || !at) throw new Error(`Bad ledger line in ${this.file}: ${line}`);
      return { phase, id, attempt: Number(attempt), at: Number(at) };
    });
  }

  done(): Execution[] {
    return this.read().filter((entry) => entry.phase === 'done');
  }

  /** Tries started and not finished: on a killed worker, the ones it died holding. */
  unfinished(): Execution[] {
    const entries = this.read();
    const finished = new Set(entries.filter((entry) => entry.phase === 'done').map((entry) => `${entry.id}#${entry.attempt}`));
    return entries.filter((entry) => entry.phase === 'start' && !finished.has(`${entry.id}#${entry.attempt}`));
  }
}

/** Counts per key, e.g. how many times each job id appears. */
export function tally<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
