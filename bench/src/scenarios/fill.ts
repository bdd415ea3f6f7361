import { benchPayload, type BenchQueue } from '../peers/peer.js';

/** Enqueues jobs `0..count-1` in bulk calls of `bulkSize`, one call at a time. */
export async function fill(queue: BenchQueue, count: number, bulkSize: number): Promise<void> {
  for (let from = 0; from < count; from += bulkSize) {
    const size = Math.min(bulkSize, count - from);
    await queue.enqueueBulk(Array.from({ length: size }, (_, k) => benchPayload(from + k)));
  }
}

/** Polls until the store records `count` completed jobs; resolves with `performance.now()` then. */
export async function waitForCompleted(queue: BenchQueue, count: number, timeoutMs = 30_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const completed = await queue.completedCount();
    if (completed >= count) return performance.now();
    if (performance.now() > deadline) throw new Error(`Only ${completed}/${count} jobs recorded as completed after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
