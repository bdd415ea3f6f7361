import type { EnqueueResult, NewJob, ProducerPort } from '@nest-jobs/core/driver';
import type { DriverContext } from './driver-context.js';
import { EnqueueCoalescer } from './enqueue-coalescer.js';
import { enqueueOf, type EnqueueSender } from './enqueue-sender.js';
import { checkJobName } from './record-codec.js';

/** The producer's side of RedisDriver: concurrent enqueues coalesced into few script calls. */
export class RedisProducer implements Pick<ProducerPort, 'enqueue'> {
  private readonly coalescer: EnqueueCoalescer;

  constructor(
    private readonly context: DriverContext,
    sender: EnqueueSender,
    private readonly remember: (queues: string[], operation: () => string) => Promise<void>,
    private readonly blocked: (jobs: NewJob[]) => Promise<EnqueueResult[]>,
  ) {
    this.coalescer = new EnqueueCoalescer((jobs) => sender.send(jobs));
  }

  async enqueue(jobs: NewJob[]): Promise<EnqueueResult[]> {
    await this.context.ready();
    if (jobs.length === 0) return [];
    // Refused here, before coalescing: a bad job must not fail the other callers' jobs it would share a call with.
    jobs.forEach((job) => checkJobName(job.name));
    const queues = [...new Set(jobs.map((job) => job.queue))];
    await this.remember(queues, () => enqueueOf(jobs, queues));
    const migrating = queues.map((queue) => this.context.layout.ensure(queue)).filter((pending) => pending !== undefined);
    if (migrating.length > 0) await Promise.all(migrating);
    if (!jobs.some((job) => job.dependsOn?.length)) return this.coalescer.enqueue(jobs);
    // Jobs with dependencies take their own path (RedisDependencies); the plain ones of the call are written
    // only once every dependency was found, so a refused call writes nothing.
    const withDependencies = jobs.filter((job) => job.dependsOn?.length);
    const plain = jobs.filter((job) => !job.dependsOn?.length);
    const blocked = await this.blocked(withDependencies);
    const written = plain.length > 0 ? await this.coalescer.enqueue(plain) : [];
    let b = 0;
    let p = 0;
    return jobs.map((job) => (job.dependsOn?.length ? blocked[b++]! : written[p++]!));
  }
}
