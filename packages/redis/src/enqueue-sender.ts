import type { EnqueueResult, NewJob } from '@nest-jobs/core/driver';
import { Cluster } from 'ioredis';
import type { AnyClient } from './connection.js';
import { waitingLists, type KeyDiagnosis } from './key-diagnosis.js';
import type { KeySchema } from './keys.js';
import { enqueueScript } from './lua/producer.scripts.js';
import { scriptArgv } from './queue-script.js';
import { unreachable } from './redis-unavailable.error.js';
import type { ScriptCommands } from './scripts.js';

/** Jobs per enqueue script call: large enough to amortise the call, small enough not to block Redis. */
const ENQUEUE_CHUNK = 500;

type Chunk = { queue: string; jobs: Array<{ job: NewJob; index: number }> };
type PipelineWithScripts = ScriptCommands & { exec(): Promise<Array<[Error | null, unknown]> | null> };

/**
 * Writes a batch of new jobs: per queue in chunks, one enqueue script call
 * each, all chunks in one round trip. Errors name the jobs and queues refused
 * and, when only some chunks failed, the jobs that went in all the same.
 */
export class EnqueueSender {
  constructor(
    private readonly client: AnyClient,
    private readonly scripts: ScriptCommands,
    private readonly keys: KeySchema,
    private readonly target: string,
    private readonly diagnosis: KeyDiagnosis,
    /** Called per queue that got jobs, to wake this process's idle workers at once. */
    private readonly onEnqueued: (queue: string) => void,
  ) {}

  async send(jobs: NewJob[]): Promise<EnqueueResult[]> {
    const chunks = chunkByQueue(jobs, ENQUEUE_CHUNK);
    if (chunks.length === 1) {
      const chunk = chunks[0]!;
      const raw = await this.scripts.njEnqueue(...this.args(chunk))
        .catch(async (error: unknown) => { throw unreachable(this.target, enqueueOf(jobs, [chunk.queue]), await this.explain(chunk, error)); });
      this.onEnqueued(chunk.queue);
      return enqueueScript.reply(raw, jobs, chunk.queue).map(({ holder, ...outcome }, index) => ({ id: holder ?? jobs[index]!.id, ...outcome }));
    }
    const outcomes = await this.sendChunks(jobs, chunks);
    const failed = outcomes.findIndex(([error]) => error);
    if (failed >= 0) {
      const error = unreachable(this.target, enqueueOf(chunks[failed]!.jobs.map(({ job }) => job), [chunks[failed]!.queue]), await this.explain(chunks[failed]!, outcomes[failed]![0]));
      // Chunks are separate script calls: some may have gone in. The caller must know which, or a retry duplicates them.
      const stored = chunks.filter((_, chunkIndex) => !outcomes[chunkIndex]![0]).flatMap((chunk) => chunk.jobs.map(({ job }) => job.id));
      if (stored.length > 0) error.message += ` Of the same call ${stored.length} job(s) were enqueued all the same: ${previewIds(stored)}.`;
      throw error;
    }
    const results: EnqueueResult[] = new Array<EnqueueResult>(jobs.length);
    chunks.forEach((chunk, chunkIndex) => {
      const replies = enqueueScript.reply(outcomes[chunkIndex]![1], chunk.jobs.map(({ job }) => job), chunk.queue);
      chunk.jobs.forEach(({ job, index }, position) => {
        const { holder, ...outcome } = replies[position]!;
        results[index] = { id: holder ?? job.id, ...outcome };
      });
      this.onEnqueued(chunk.queue);
    });
    return results;
  }

  /**
   * Each chunk's reply or error. One pipeline, one round trip; on Redis Cluster one
   * pipeline per queue, since a Cluster pipeline may only hold keys of one slot.
   */
  private async sendChunks(jobs: NewJob[], chunks: Chunk[]): Promise<Array<[Error | null, unknown]>> {
    const groups = new Map<string, number[]>();
    chunks.forEach((chunk, index) => {
      const group = this.client instanceof Cluster ? chunk.queue : '';
      groups.set(group, [...(groups.get(group) ?? []), index]);
    });
    const outcomes = new Array<[Error | null, unknown]>(chunks.length);
    const sent = await Promise.allSettled([...groups.values()].map(async (indexes) => {
      const pipeline = this.client.pipeline() as unknown as PipelineWithScripts;
      for (const index of indexes) void pipeline.njEnqueue(...this.args(chunks[index]!));
      const replies = await pipeline.exec();
      indexes.forEach((index, position) => { outcomes[index] = replies?.[position] ?? [new Error('no reply'), null]; });
    }));
    const down = sent.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    // Not one reply (Redis unreachable): nothing is known to have gone in.
    if (down && sent.every((result) => result.status === 'rejected')) throw unreachable(this.target, enqueueOf(jobs, chunks.map((chunk) => chunk.queue)), down.reason);
    return chunks.map((_, index) => outcomes[index] ?? [down?.reason instanceof Error ? down.reason : new Error('no reply'), null]);
  }

  /** A refusal for a key of the wrong type, with the key and queue named (KeyDiagnosis). */
  private explain(chunk: Chunk, error: unknown): Promise<unknown> {
    return this.diagnosis.explain('enqueue', chunk.queue, error, waitingLists(this.keys, chunk.queue, chunk.jobs.map(({ job }) => job.priority)));
  }

  private args(chunk: Chunk): Array<string | number> {
    return scriptArgv(enqueueScript, this.keys, chunk.queue, chunk.jobs.map(({ job }) => job));
  }
}

function chunkByQueue(jobs: NewJob[], size: number): Chunk[] {
  const chunks: Chunk[] = [];
  const open = new Map<string, Chunk>();
  jobs.forEach((job, index) => {
    let chunk = open.get(job.queue);
    if (!chunk || chunk.jobs.length >= size) {
      chunk = { queue: job.queue, jobs: [] };
      open.set(job.queue, chunk);
      chunks.push(chunk);
    }
    chunk.jobs.push({ job, index });
  });
  return chunks;
}

/** `enqueue of 2 job(s) (Emails.send) to "emails"`: errors say which work was refused. */
export function enqueueOf(jobs: NewJob[], queues: string[]): string {
  const names = [...new Set(jobs.map((job) => job.name))];
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')}, …` : names.join(', ');
  return `enqueue of ${jobs.length} job(s) (${shown}) to ${[...new Set(queues)].map((queue) => `"${queue}"`).join(', ')}`;
}

function previewIds(ids: string[]): string {
  return ids.length > 5 ? `${ids.slice(0, 5).join(', ')}, … (${ids.length - 5} more)` : ids.join(', ');
}

