// Compile-time JSON contract of Producer<T>: payloads must be JSON-shaped, results are typed
// as what JSON gives back, and methods that cannot be jobs are no job keys. Every
// `@ts-expect-error` must stay an error (`npm run typecheck`).
import { Injectable } from '@nestjs/common';
import { Cron, Every, Job, type JobContext, type Producer } from '@nest-jobs/core';

class Money {
  constructor(readonly amount: number, readonly currency: string) {}
  format(): string {
    return `${this.amount.toFixed(2)} ${this.currency}`;
  }
}

class PriceTag {
  constructor(readonly cents: number) {}
  toJSON(): { cents: number; label: string } {
    return { cents: this.cents, label: `${this.cents / 100}` };
  }
}

/** A data-only class: JSON carries it field for field (the handler gets a plain object). */
class Point {
  constructor(public x: number, public y: number) {}
}

interface Invoice {
  id: string;
  due: Date;
  total: Money;
}

/** An interface has no index signature: it must still be accepted. */
interface InvoiceData {
  id: string;
  due: string;
  total: { amount: number; currency: string };
  lines?: readonly { sku: string; quantity: number }[];
  note: string | null;
  meta: Record<string, unknown>;
  position: [number, number];
  at: Point;
}

interface TreeNode {
  label: string;
  children: TreeNode[];
}

type Sku = string & { readonly __brand: 'Sku' };

interface Sent {
  sentAt: Date;
  price: PriceTag;
  total: Money;
  note?: string;
  tags: Set<string>;
  onDone: () => void;
  history: (Date | undefined)[];
}

@Injectable()
class BillingJobs {
  @Job() async sendInvoice(invoice: Invoice): Promise<void> { void invoice; }
  @Job() async sendInvoiceData(invoice: InvoiceData): Promise<Sent> { void invoice; return Promise.reject(new Error('types only')); }
  @Job() async dueDate(id: Sku): Promise<Date> { void id; return new Date(); }
  @Job() async lookup(ids: Map<string, number>): Promise<void> { void ids; }
  @Job() async tag(tags: Set<string>): Promise<void> { void tags; }
  @Job() async count(n: bigint): Promise<void> { void n; }
  @Job() async callback(payload: { id: string; onDone: () => void }): Promise<void> { void payload; }
  @Job() async sparse(items: (string | undefined)[]): Promise<void> { void items; }
  @Job() async maybeDue(due: string | Date): Promise<void> { void due; }
  @Job() async tree(node: TreeNode): Promise<number> { return node.children.length; }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an untyped payload stays untyped
  @Job() async untyped(payload: any): Promise<unknown> { return payload as unknown; }
  @Job() async opaque(payload: unknown): Promise<unknown> { return payload; }

  @Cron('* * * * *') async heartbeat(ctx: JobContext): Promise<void> { void ctx; }
  @Every('5m') async sync(): Promise<void> {}
  formatAmount(amount: number): string { return amount.toFixed(2); }
  onModuleInit(): void {}
}

declare const billing: Producer<BillingJobs>;
const data: InvoiceData = {
  id: 'inv-1', due: '2026-12-01T00:00:00.000Z', total: { amount: 5, currency: 'EUR' }, note: null,
  meta: { source: 'api' }, position: [1, 2], at: new Point(1, 2),
};

export async function acceptedPayloads(): Promise<void> {
  await billing.enqueue('sendInvoiceData', data);
  await billing.enqueue('sendInvoiceData', { ...data, lines: [{ sku: 'a', quantity: 1 }] });
  await billing.enqueue('dueDate', 'sku-1' as Sku);
  await billing.enqueue('maybeDue', '2026-12-01');
  await billing.enqueue('tree', { label: 'root', children: [{ label: 'leaf', children: [] }] });
  await billing.enqueue('untyped', new Date());
  await billing.enqueue('opaque', { anything: 1 });
  await billing.enqueueMany([{ job: 'sendInvoiceData', payload: data }, { job: 'tree', payload: { label: 'x', children: [] } }]);
  // What the types cannot tell from a @Job handler: compiles, fails at run time (see README).
  await billing.enqueue('sync');
  await billing.enqueue('formatAmount', 3);
}

export async function refusedPayloads(): Promise<void> {
  // @ts-expect-error -- Date is not JSON: the handler would get a string
  await billing.enqueue('sendInvoice', { id: 'inv-1', due: new Date(), total: new Money(5, 'EUR') });
  // @ts-expect-error -- even a JSON-shaped value: the handler's own type is not JSON
  await billing.enqueue('sendInvoice', { id: 'inv-1', due: '2026-12-01', total: { amount: 5, currency: 'EUR' } });
  // @ts-expect-error -- Map is not JSON
  await billing.enqueue('lookup', new Map([['a', 1]]));
  // @ts-expect-error -- Set is not JSON
  await billing.enqueue('tag', new Set(['a']));
  // @ts-expect-error -- bigint is not JSON
  await billing.enqueue('count', 1n);
  // @ts-expect-error -- a function is not JSON
  await billing.enqueue('callback', { id: 'a', onDone: () => undefined });
  // @ts-expect-error -- undefined in an array becomes null
  await billing.enqueue('sparse', ['a', undefined]);
  // @ts-expect-error -- the Date half of the union is not JSON
  await billing.enqueue('maybeDue', new Date());
  // @ts-expect-error -- the same refusal in an enqueueMany item
  await billing.enqueueMany([{ job: 'sendInvoice', payload: { id: 'inv-1', due: new Date(), total: new Money(5, 'EUR') } }]);
}

export async function refusedKeys(): Promise<void> {
  // @ts-expect-error -- a @Cron method takes a JobContext first: it is a schedule, not a job
  await billing.enqueue('heartbeat');
  // @ts-expect-error -- a Nest lifecycle hook is never a job
  await billing.enqueue('onModuleInit');
  // @ts-expect-error -- nor in enqueueMany
  await billing.enqueueMany([{ job: 'heartbeat' }]);
}

export async function jsonResults(): Promise<void> {
  const due = await (await billing.enqueue('dueDate', 'sku-1' as Sku)).result();
  const dueText: string = due;
  // @ts-expect-error -- a Date result comes back as its ISO string
  const dueDate: Date = due;

  const sent = await (await billing.enqueue('sendInvoiceData', data)).result();
  const sentAt: string = sent.sentAt;
  const price: { cents: number; label: string } = sent.price; // what toJSON returns
  const total: { amount: number; currency: string } = sent.total;
  const note: string | undefined = sent.note;
  const history: (string | null)[] = sent.history;
  // @ts-expect-error -- methods do not survive JSON
  sent.total.format();
  // @ts-expect-error -- function-valued properties are dropped
  void sent.onDone;
  // @ts-expect-error -- a Set comes back as {}
  void sent.tags.has('a');
  // @ts-expect-error -- toJSON's result, not a PriceTag
  const tag: PriceTag = sent.price;

  const [many] = await billing.enqueueMany([{ job: 'dueDate', payload: 'sku-2' as Sku }]);
  const manyText: string = await many.result();
  // @ts-expect-error -- enqueueMany handles are typed the same way
  const manyDate: Date = await many.result();
  void [dueText, dueDate, sentAt, price, total, note, history, tag, manyText, manyDate];
}
