import { Logger, makeWorkerUtils, run, type Runner } from 'graphile-worker';
import pg from 'pg';
import { packageVersion } from '../peers/package-version.js';
import type { BenchPayload, BenchQueue, BenchWorker, Concurrency, JobListener, Peer, ServerTarget } from '../peers/peer.js';

const TASK = 'noop';
const silent = new Logger(() => () => undefined);

/**
 * graphile-worker 0.17: `addJob` / `addJobs` through WorkerUtils, `run()` with
 * `concurrency` and its defaults (LISTEN/NOTIFY wake-ups, 2 s poll). It
 * deletes a job when it completes, so completed = enqueued − rows left.
 */
export class GraphileWorkerPeer implements Peer {
  readonly name = 'graphile-worker';
  readonly version = packageVersion('graphile-worker');

  async openQueue(target: ServerTarget, concurrency: Concurrency): Promise<BenchQueue> {
    const utils = await makeWorkerUtils({ connectionString: target.url, logger: silent });
    await utils.migrate();
    const reader = new pg.Pool({ connectionString: target.url, max: 1 });
    let enqueued = 0;
    return {
      enqueue: async (payload) => {
        await utils.addJob(TASK, payload);
        enqueued++;
      },
      enqueueBulk: async (payloads) => {
        await utils.addJobs(payloads.map((payload) => ({ identifier: TASK, payload })));
        enqueued += payloads.length;
      },
      prepareWorker: async (onJob: JobListener): Promise<BenchWorker> => {
        let runner: Runner | undefined;
        return {
          start: async () => {
            runner = await run({
              connectionString: target.url, concurrency, noHandleSignals: true, logger: silent,
              taskList: { [TASK]: async (payload) => onJob(payload as BenchPayload) },
            });
          },
          stop: async () => {
            await runner?.stop();
          },
        };
      },
      completedCount: async () => {
        const { rows } = await reader.query<{ n: string }>('SELECT count(*)::text AS n FROM graphile_worker.jobs');
        return enqueued - Number(rows[0]!.n);
      },
      close: async () => {
        await reader.end();
        await utils.release();
      },
    };
  }
}
