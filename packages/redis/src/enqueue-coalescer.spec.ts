import { describe, expect, it } from '@jest/globals';
import type { EnqueueResult, NewJob } from '@nest-jobs/core/driver';
import { EnqueueCoalescer } from './enqueue-coalescer.js';

const job = (id: string, queue = 'q'): NewJob => ({ id, queue, name: 'Mailer.send', payload: '{}', priority: 0, maxAttempts: 1, runAt: 0, enqueuedAt: 0 });

/** A send that records each batch's ids and answers later, when told. */
function recorder() {
  const batches: string[][] = [];
  const answers: Array<(fail?: Error) => void> = [];
  const send = (jobs: NewJob[]): Promise<EnqueueResult[]> => {
    batches.push(jobs.map((entry) => entry.id));
    return new Promise((resolve, reject) => answers.push((fail) => (fail ? reject(fail) : resolve(jobs.map((entry) => ({ id: entry.id, created: true, state: 'waiting' as const }))))));
  };
  return { batches, answers, send };
}

describe('EnqueueCoalescer', () => {
  it('sends a batch as soon as it holds flushAt jobs, the rest at the next tick, in call order', async () => {
    const { batches, answers, send } = recorder();
    const coalescer = new EnqueueCoalescer(send, 3);
    const calls = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => coalescer.enqueue([job(id)]));
    // Two full batches went out before this line: nothing waited for a reply or a tick.
    expect(batches).toEqual([['a', 'b', 'c'], ['d', 'e', 'f']]);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(batches).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    answers.forEach((answer) => answer());
    expect((await Promise.all(calls)).map((results) => results.map((result) => result.id))).toEqual([['a'], ['b'], ['c'], ['d'], ['e'], ['f'], ['g']]);
  });

  it('gives each caller exactly its own results; a failed batch fails only its callers', async () => {
    const { answers, send } = recorder();
    const coalescer = new EnqueueCoalescer(send, 3);
    const first = coalescer.enqueue([job('a'), job('b')]);
    const second = coalescer.enqueue([job('c')]);
    const third = coalescer.enqueue([job('d', 'other')]);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    answers[0]!();
    answers[1]!(new Error('refused'));
    expect((await first).map((result) => result.id)).toEqual(['a', 'b']);
    expect((await second).map((result) => result.id)).toEqual(['c']);
    await expect(third).rejects.toThrow('refused');
  });

  it('sends a call larger than flushAt alone and at once', () => {
    const { batches, send } = recorder();
    const coalescer = new EnqueueCoalescer(send, 2);
    void coalescer.enqueue([job('a')]);
    void coalescer.enqueue([job('b'), job('c'), job('d')]);
    expect(batches).toEqual([['a', 'b', 'c', 'd']]);
  });
});
