import type { AdminPort } from '../driver/driver-ports.js';
import type { JobRecord } from '../driver/job-record.js';
import { fromJsonOrRaw } from '../serialization/json.js';
import type { DependencyInfo, JobInfo } from './job-info.interface.js';

/** Dependencies whose state is read live at once (a fan-in of thousands reads in rounds of this many). */
const LIVE_READS = 100;

/** The dependencies of a job for its admin view: ended ones as handed over, the others as they are now. */
export async function dependencyReport(driver: Pick<AdminPort, 'dependencies' | 'getJob'>, record: JobRecord): Promise<Pick<JobInfo, 'dependencies' | 'onDependencyFailure'>> {
  const statuses = (await driver.dependencies(record.queue, record.id)) ?? [];
  const dependencies: DependencyInfo[] = new Array<DependencyInfo>(statuses.length);
  const pending: number[] = [];
  statuses.forEach((status, index) => {
    if (status.outcome === undefined) return pending.push(index);
    const info: DependencyInfo = { queue: status.queue, id: status.id, state: status.outcome, handedOver: true };
    if (status.result !== undefined) info.result = fromJsonOrRaw(status.result);
    dependencies[index] = info;
  });
  for (let start = 0; start < pending.length; start += LIVE_READS) {
    await Promise.all(pending.slice(start, start + LIVE_READS).map(async (index) => {
      const { queue, id } = statuses[index]!;
      const live = await driver.getJob(queue, id);
      dependencies[index] = { queue, id, state: live?.state ?? 'missing', handedOver: false };
    }));
  }
  return { dependencies, onDependencyFailure: record.onDependencyFailure ?? 'fail' };
}
