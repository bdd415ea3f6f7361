import { MinHeap } from './min-heap.js';

/**
 * A heap of index entries with lazy deletion: when a job moves on, its entry
 * stays until it surfaces and is then dropped because `isLive` says so. This
 * keeps every state change O(log n) without searching the heap.
 */
export class LazyIndex<T> {
  private readonly heap: MinHeap<T>;

  constructor(compare: (a: T, b: T) => number, private readonly isLive: (entry: T) => boolean) {
    this.heap = new MinHeap(compare);
  }

  push(entry: T): void {
    this.heap.push(entry);
  }

  /** The first live entry, left in place. */
  peek(): T | undefined {
    for (let entry = this.heap.peek(); entry !== undefined; entry = this.heap.peek()) {
      if (this.isLive(entry)) return entry;
      this.heap.pop();
    }
    return undefined;
  }

  /** Removes and returns the first live entry, if `accept` takes it. */
  pop(accept: (entry: T) => boolean = () => true): T | undefined {
    const entry = this.peek();
    if (entry === undefined || !accept(entry)) return undefined;
    this.heap.pop();
    return entry;
  }
}
