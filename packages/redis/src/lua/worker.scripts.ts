import type { CompleteItem, FailItem, LeaseOutcome, LeaseRef } from '@nest-jobs/core/driver';
import { leaseOutcomes, queueScript } from '../queue-script.js';
import { decodeFetchReply, type FetchReply } from '../record-codec.js';

/** The worker's scripts: what each .lua reads from ARGV after the waiting-list prefix, and what it returns. */

/** fetch.lua */
export const fetchScript = queueScript({
  command: 'njFetch',
  operation: 'fetch',
  args: (input: { max: number; leaseMs: number; bound: number; nonce: string }) => [input.max, input.leaseMs, input.bound, input.nonce],
  reply: (raw, _input, queue): FetchReply => {
    const reply = raw as unknown[];
    return reply.length > 0 ? decodeFetchReply(queue, reply) : { jobs: [] };
  },
});

/** complete.lua: per job id, token, result JSON, keep age ms or 'remove' or '', keep count or ''. */
export const completeScript = queueScript({
  command: 'njComplete',
  operation: 'complete',
  args: (items: CompleteItem[]) => items.flatMap((item) => [item.id, item.token, item.result, ...retentionArgs(item.retention)]),
  reply: (raw, items): SettleReply => settleReply(raw, items.length),
});

/** A settle script's outcomes, and whether jobs blocked on the settled ones got hand-over records (lua/includes/handover.lua). */
export interface SettleReply {
  outcomes: LeaseOutcome[];
  handedOver: boolean;
}

function settleReply(raw: unknown, count: number): SettleReply {
  const values = raw as number[];
  return { outcomes: leaseOutcomes(values.slice(0, count)), handedOver: values.length > count };
}

/** fail.lua: per job id, token, error JSON or '' (ctx.retry), retryAt ms or '' (dead), held until ms or ''. */
export const failScript = queueScript({
  command: 'njFail',
  operation: 'fail',
  args: (items: FailItem[]) => items.flatMap((item) => [
    item.id,
    item.token,
    item.error ? JSON.stringify({ name: item.error.name, message: item.error.message, stack: item.error.stack }) : '',
    item.retryAt === undefined ? '' : Math.round(item.retryAt),
    item.rateLimitedUntil === undefined ? '' : Math.round(item.rateLimitedUntil),
  ]),
  reply: (raw, items): SettleReply => settleReply(raw, items.length),
});

/** extend.lua: lease ms, then per job id, token. */
export const extendScript = queueScript({
  command: 'njExtend',
  operation: 'extend',
  args: (input: { items: LeaseRef[]; leaseMs: number }) => [input.leaseMs, ...input.items.flatMap((item) => [item.id, item.token])],
  reply: (raw): LeaseOutcome[] => leaseOutcomes(raw),
});

/** release.lua: per job id, token. */
export const releaseScript = queueScript({
  command: 'njRelease',
  operation: 'release',
  args: (items: LeaseRef[]) => items.flatMap((item) => [item.id, item.token]),
  reply: (raw): LeaseOutcome[] => leaseOutcomes(raw),
});

/** progress.lua: id, token, progress JSON. */
export const progressScript = queueScript({
  command: 'njProgress',
  operation: 'progress',
  args: (input: { item: LeaseRef; progress: string }) => [input.item.id, input.item.token, input.progress],
  reply: (raw): LeaseOutcome => (raw === 1 ? 'ok' : 'lost'),
});

function retentionArgs(retention: CompleteItem['retention']): [string | number, string | number] {
  if (retention === true) return ['remove', ''];
  if (!retention) return ['', ''];
  return [retention.age ?? '', retention.count ?? ''];
}
