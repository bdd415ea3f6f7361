import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { getProducerToken, Job, JobsModule, type Producer } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { BILLING_INVOICES, BillingConnectionModule, type InvoiceJobs } from './billing-connection.js';

// The README's "Several Redis servers or prefixes": a main app on one Redis and billing's jobs on
// another, in one process, each job stored and run on its own server.

@Injectable()
class EmailJobs {
  @Job({ queue: 'emails' })
  async send(mail: { to: string }): Promise<string> {
    return `sent to ${mail.to}`;
  }
}

@Injectable()
class Checkout {
  constructor(
    @Inject(getProducerToken(EmailJobs)) readonly emails: Producer<EmailJobs>,
    @Inject(BILLING_INVOICES) readonly invoices: Producer<InvoiceJobs>,
  ) {}
}

let main: RedisServerHandle;
let billing: RedisServerHandle;
let app: INestApplicationContext | undefined;

beforeAll(async () => {
  [main, billing] = await Promise.all([startRedisServer(), startRedisServer()]);
  @Module({
    imports: [
      JobsModule.forRoot({ driver: new RedisDriver({ url: main.url, prefix: 'shop' }) }),
      BillingConnectionModule.forRoot({ url: billing.url }),
    ],
    providers: [EmailJobs, Checkout],
  })
  class AppModule {}
  app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
}, 30_000);

afterAll(async () => {
  await app?.close();
  await Promise.all([main?.stop(), billing?.stop()]);
});

async function keysOf(server: RedisServerHandle): Promise<string[]> {
  const client = new Redis(server.url);
  try {
    return (await client.keys('*')).sort();
  } finally {
    client.disconnect();
  }
}

async function connectedClients(server: RedisServerHandle): Promise<number> {
  const client = new Redis(server.url);
  try {
    return Number(/connected_clients:(\d+)/.exec(await client.info('clients'))![1]);
  } finally {
    client.disconnect();
  }
}

describe('two job connections in one app', () => {
  it('runs each producer\'s jobs on its own Redis, and closes both with the app', async () => {
    const checkout = app!.get(Checkout);
    const email = await checkout.emails.enqueue('send', { to: 'ada@example.com' });
    const invoice = await checkout.invoices.enqueue('issue', { orderId: 'o-1', cents: 1250 });
    expect(await email.result({ timeout: 10_000 })).toBe('sent to ada@example.com');
    expect(await invoice.result({ timeout: 10_000 })).toBe('invoice for o-1: 1250 cents');

    const [mainKeys, billingKeys] = await Promise.all([keysOf(main), keysOf(billing)]);
    expect(mainKeys.length).toBeGreaterThan(0);
    expect(mainKeys.every((key) => key.startsWith('{shop')) && mainKeys.some((key) => key.startsWith('{shop:emails}'))).toBe(true);
    expect(billingKeys.every((key) => key.startsWith('{billing')) && billingKeys.some((key) => key.startsWith('{billing:invoices}'))).toBe(true);

    await app!.close();
    app = undefined;
    // Billing's context closed with the app: only this check's own connection is left on its server.
    expect(await connectedClients(billing)).toBe(1);
  });
});
