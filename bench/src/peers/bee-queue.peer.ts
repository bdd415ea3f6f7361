import BeeQueue from 'bee-queue';
import { packageVersion } from './package-version.js';
import type { BenchPayload, BenchQueue, BenchWorker, Concurrency, JobListener, Peer, ServerTarget } from './peer.js';

const QUEUE = 'bench';

/** bee-queue 2: `createJob().save()` / `saveAll`, a worker queue calling `process`. Library defaults otherwise. */
export class BeeQueuePeer implements Peer {
  readonly name = 'bee-queue';
  readonly version = packageVersion('bee-queue');

  async openQueue(redis: ServerTarget, concurrency: Concurrency): Promise<BenchQueue> {
    const settings = { redis: { host: redis.host, port: redis.port } };
    const producer = new BeeQueue<BenchPayload>(QUEUE, { ...settings, isWorker: false });
    await producer.ready();
    return {
      enqueue: async (payload) => {
        await producer.createJob(payload).save();
      },
      enqueueBulk: async (payloads) => {
        const errors = await producer.saveAll(payloads.map((payload) => producer.createJob(payload)));
        if (errors.size > 0) throw new Error(`bee-queue saveAll: ${errors.size} job(s) not saved`);
      },
      prepareWorker: async (onJob: JobListener): Promise<BenchWorker> => {
        const worker = new BeeQueue<BenchPayload>(QUEUE, { ...settings, isWorker: true });
        worker.on('error', (error) => console.error(`bee-queue worker: ${error.message}`));
        await worker.ready();
        return {
          start: async () => {
            worker.process(concurrency, async (job) => onJob(job.data));
          },
          stop: () => worker.close(),
        };
      },
      completedCount: async () => (await producer.checkHealth()).succeeded,
      close: () => producer.close(),
    };
  }
}
