import PgBoss from 'pg-boss';
import pg from 'pg';
import { packageVersion } from '../peers/package-version.js';
import type { BenchPayload, BenchQueue, BenchWorker, Concurrency, JobListener, Peer, ServerTarget } from '../peers/peer.js';

const QUEUE = 'bench';
/** pg-boss' smallest allowed polling interval (POLICY.MIN_POLLING_INTERVAL_MS in its src/attorney.js). */
const POLLING_SECONDS = 0.5;

/**
 * pg-boss 10: `send` / `insert`, one `work()` loop fetching `concurrency` jobs
 * per batch at the fastest polling interval it allows; no maintenance or
 * scheduling timers in the bench process. pg-boss 10 waits out the polling
 * interval after every fetch, jobs or not (src/worker.js), so one loop runs at
 * most `batchSize` jobs per 0.5 s.
 */
export class PgBossPeer implements Peer {
  readonly name = 'pg-boss';
  readonly version = packageVersion('pg-boss');

  async openQueue(target: ServerTarget, concurrency: Concurrency): Promise<BenchQueue> {
    const options = { connectionString: target.url, supervise: false, schedule: false };
    const boss = new PgBoss(options);
    boss.on('error', (error: Error) => console.error(`pg-boss: ${error.message}`));
    await boss.start();
    await boss.createQueue(QUEUE);
    const reader = new pg.Pool({ connectionString: target.url, max: 1 });
    return {
      enqueue: async (payload) => {
        await boss.send(QUEUE, payload);
      },
      enqueueBulk: async (payloads) => {
        await boss.insert(payloads.map((data) => ({ name: QUEUE, data })));
      },
      prepareWorker: async (onJob: JobListener): Promise<BenchWorker> => {
        const worker = new PgBoss(options);
        worker.on('error', (error: Error) => console.error(`pg-boss worker: ${error.message}`));
        await worker.start();
        return {
          start: async () => {
            await worker.work<BenchPayload>(QUEUE, { batchSize: concurrency, pollingIntervalSeconds: POLLING_SECONDS }, async (jobs) => {
              await Promise.all(jobs.map(async (job) => onJob(job.data)));
            });
          },
          stop: () => worker.stop({ graceful: true, wait: true, close: true }),
        };
      },
      completedCount: async () => {
        const { rows } = await reader.query<{ n: string }>("SELECT count(*)::text AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'", [QUEUE]);
        return Number(rows[0]!.n);
      },
      close: async () => {
        await reader.end();
        await boss.stop({ graceful: false, wait: true, close: true });
      },
    };
  }
}
