import { Queue, Worker } from 'bullmq';
import { packageVersion } from './package-version.js';
import type { BenchPayload, BenchQueue, BenchWorker, Concurrency, JobListener, Peer, ServerTarget } from './peer.js';

const QUEUE = 'bench';
const JOB = 'noop';

/** BullMQ 6: `Queue.add` / `addBulk`, a `Worker` with `autorun: false`. Library defaults otherwise. */
export class BullMqPeer implements Peer {
  readonly name = 'bullmq';
  readonly version = packageVersion('bullmq');

  async openQueue(redis: ServerTarget, concurrency: Concurrency): Promise<BenchQueue> {
    const connection = { host: redis.host, port: redis.port };
    const queue = new Queue<BenchPayload>(QUEUE, { connection });
    await queue.waitUntilReady();
    return {
      enqueue: async (payload) => {
        await queue.add(JOB, payload);
      },
      enqueueBulk: async (payloads) => {
        await queue.addBulk(payloads.map((data) => ({ name: JOB, data })));
      },
      prepareWorker: async (onJob: JobListener): Promise<BenchWorker> => {
        const worker = new Worker<BenchPayload>(QUEUE, async (job) => onJob(job.data), { connection, concurrency, autorun: false });
        worker.on('error', (error) => console.error(`bullmq worker: ${error.message}`));
        await worker.waitUntilReady();
        let running: Promise<void> | undefined;
        return {
          start: async () => {
            running = worker.run();
          },
          stop: async () => {
            await worker.close();
            await running;
          },
        };
      },
      completedCount: () => queue.getCompletedCount(),
      close: () => queue.close(),
    };
  }
}
