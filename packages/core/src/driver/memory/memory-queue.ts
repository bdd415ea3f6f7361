import type { JobCounts, JobRecord, JobState } from '../job-record.js';
import { MinHeap } from './min-heap.js';

/** A stored job plus what only the driver sees. */
export interface StoredJob extends JobRecord {
  /** Enqueue order; a fresh one each time the job (re)enters waiting keeps FIFO exact. */
  seq: number;
  token?: string;
  leaseUntil?: number;
}

interface WaitingEntry {
  id: string;
  seq: number;
  priority: number;
}

interface DelayedEntry {
  id: string;
  runAt: number;
}

/**
 * One queue's jobs and indexes. Heaps use lazy deletion: an entry whose job
 * moved on (other state, other seq or runAt) is dropped when it surfaces.
 */
export class MemoryQueue {
  readonly jobs = new Map<string, StoredJob>();
  paused = false;
  private readonly waiting = new MinHeap<WaitingEntry>((a, b) => b.priority - a.priority || a.seq - b.seq);
  private readonly delayed = new MinHeap<DelayedEntry>((a, b) => a.runAt - b.runAt);
  readonly active = new Map<string, StoredJob>();
  /** Insertion order = finish order, oldest first. */
  readonly completed = new Map<string, StoredJob>();
  readonly dead = new Map<string, StoredJob>();
  private readonly counts: JobCounts = { waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0 };

  constructor(readonly name: string) {}

  /** Moves a job to a state, keeping indexes and counts right. */
  place(job: StoredJob, state: JobState, nextSeq: () => number): void {
    if (this.jobs.get(job.id) === job) this.leave(job);
    this.jobs.set(job.id, job);
    job.state = state;
    this.counts[state]++;
    switch (state) {
      case 'waiting':
        job.seq = nextSeq();
        this.waiting.push({ id: job.id, seq: job.seq, priority: job.priority });
        break;
      case 'delayed':
        this.delayed.push({ id: job.id, runAt: job.runAt });
        break;
      case 'active':
        this.active.set(job.id, job);
        break;
      case 'completed':
        this.completed.set(job.id, job);
        break;
      case 'dead':
        this.dead.set(job.id, job);
        break;
    }
  }

  delete(job: StoredJob): void {
    if (this.jobs.get(job.id) !== job) return;
    this.leave(job);
    this.jobs.delete(job.id);
  }

  private leave(job: StoredJob): void {
    this.counts[job.state]--;
    this.active.delete(job.id);
    this.completed.delete(job.id);
    this.dead.delete(job.id);
    job.token = undefined;
    job.leaseUntil = undefined;
  }

  countsCopy(): JobCounts {
    return { ...this.counts };
  }

  /** Next waiting job in fetch order, removed from the waiting index. */
  takeWaiting(): StoredJob | undefined {
    for (let entry = this.waiting.pop(); entry; entry = this.waiting.pop()) {
      const job = this.jobs.get(entry.id);
      if (job?.state === 'waiting' && job.seq === entry.seq) return job;
    }
    return undefined;
  }

  /** Delayed jobs due at `now`, in due order. */
  takeDue(now: number): StoredJob[] {
    const due: StoredJob[] = [];
    for (let entry = this.delayed.peek(); entry && entry.runAt <= now; entry = this.delayed.peek()) {
      this.delayed.pop();
      const job = this.jobs.get(entry.id);
      if (job?.state === 'delayed' && job.runAt === entry.runAt) due.push(job);
    }
    return due;
  }

  /** Earliest run time among delayed jobs, if any. */
  nextDueAt(): number | undefined {
    for (let entry = this.delayed.peek(); entry; entry = this.delayed.peek()) {
      const job = this.jobs.get(entry.id);
      if (job?.state === 'delayed' && job.runAt === entry.runAt) return entry.runAt;
      this.delayed.pop();
    }
    return undefined;
  }

  /** Jobs of a state in the documented listing order. */
  inState(state: JobState): StoredJob[] {
    const all = [...this.jobs.values()].filter((job) => job.state === state);
    switch (state) {
      case 'waiting':
        return all.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      case 'delayed':
        return all.sort((a, b) => a.runAt - b.runAt || a.seq - b.seq);
      case 'active':
        return all.sort((a, b) => (a.leaseUntil ?? 0) - (b.leaseUntil ?? 0));
      default:
        return [...(state === 'completed' ? this.completed : this.dead).values()].reverse();
    }
  }
}
