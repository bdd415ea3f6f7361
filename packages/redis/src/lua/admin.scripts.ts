import type { CancelOutcome, JobCounts } from '@nest-jobs/core/driver';
import { queueScript } from '../queue-script.js';

/** The admin's scripts: what each .lua reads from ARGV after the waiting-list prefix, and what it returns. */

/** retry-dead.lua: one id, or '' and the most jobs to move. Returns how many moved. */
export const retryDeadScript = queueScript({
  command: 'njRetryDead',
  operation: 'retry',
  args: (input: { id: string } | { most: number }) => ('id' in input ? [input.id, 0] : ['', input.most]),
  reply: (raw): number => Number(raw),
});

/** remove-dead.lua: the most jobs to remove. Returns how many went. */
export const removeDeadScript = queueScript({
  command: 'njRemoveDead',
  operation: 'removeAllDead',
  args: (most: number) => [most],
  reply: (raw): number => Number(raw),
});

/** remove.lua: the id. */
export const removeScript = queueScript({
  command: 'njRemove',
  operation: 'remove',
  args: (id: string) => [id],
  reply: (raw): boolean => raw === 1,
});

/** cancel.lua: the id and the reason. */
export const cancelScript = queueScript({
  command: 'njCancel',
  operation: 'cancel',
  args: (input: { id: string; reason?: string }) => [input.id, input.reason ?? ''],
  reply: (raw): CancelOutcome => raw as CancelOutcome,
});

/** resume.lua */
export const resumeScript = queueScript({
  command: 'njResume',
  operation: 'resume',
  args: () => [],
  reply: (): void => undefined,
});

/** counts.lua: reads only. */
export const countsScript = queueScript({
  command: 'njCounts',
  operation: 'counts',
  args: () => [],
  reply: (raw): JobCounts => {
    const [waiting, delayed, active, completed, dead, expired, cancelled, blocked] = (raw as number[]).map(Number);
    return { blocked: blocked ?? 0, waiting: waiting!, delayed: delayed!, active: active!, completed: completed!, dead: dead!, expired: expired ?? 0, cancelled: cancelled ?? 0 };
  },
});

/** list-waiting.lua: offset, limit. Ids in fetch order. */
export const listWaitingScript = queueScript({
  command: 'njListWaiting',
  operation: 'list',
  args: (page: { offset: number; limit: number }) => [page.offset, page.limit],
  reply: (raw): string[] => raw as string[],
});
