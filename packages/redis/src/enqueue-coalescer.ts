import type { EnqueueResult, NewJob } from '@nest-jobs/core';

interface Pending {
  jobs: NewJob[];
  resolve: (results: EnqueueResult[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Merges enqueue calls made in the same turn of the event loop into one
 * batch: fifty producers awaiting in parallel cost one script call, not
 * fifty. Each caller still gets exactly its own results, or the batch's error.
 */
export class EnqueueCoalescer {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(private readonly send: (jobs: NewJob[]) => Promise<EnqueueResult[]>) {}

  enqueue(jobs: NewJob[]): Promise<EnqueueResult[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ jobs, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // nextTick runs once the current burst of promise continuations has drained.
        process.nextTick(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    try {
      const results = await this.send(batch.flatMap((entry) => entry.jobs));
      let offset = 0;
      for (const entry of batch) {
        entry.resolve(results.slice(offset, offset + entry.jobs.length));
        offset += entry.jobs.length;
      }
    } catch (error) {
      batch.forEach((entry) => entry.reject(error));
    }
  }
}
