import type { JobEvent, JobEvents } from '@nest-jobs/core';

/** Polls until `check` is true or `timeoutMs` passes. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(15);
  }
}

/** Polls `probe` until it returns a value other than undefined, and returns that value. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Records every job event from now on, in arrival order. */
export function recordEvents(events: JobEvents): { all: JobEvent[]; of(id: string): JobEvent[]; stop(): void } {
  const all: JobEvent[] = [];
  const subscription = events.events$.subscribe((event) => all.push(event));
  return {
    all,
    of: (id) => all.filter((event) => event.id === id),
    stop: () => subscription.unsubscribe(),
  };
}
