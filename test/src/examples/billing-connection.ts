import { Global, Injectable, Module, type DynamicModule, type INestApplicationContext, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getProducerToken, Job, JobsModule, type Producer } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';

/** Billing's jobs: they run on billing's own Redis, in a Nest context of their own. */
@Injectable()
export class InvoiceJobs {
  @Job({ queue: 'invoices', attempts: 5 })
  async issue(invoice: { orderId: string; cents: number }): Promise<string> {
    return `invoice for ${invoice.orderId}: ${invoice.cents} cents`;
  }
}

/** Billing's jobs app: its own JobsModule on its own driver. Import here what its handlers inject. */
@Module({})
class BillingJobsApp {
  static forRoot(url: string): DynamicModule {
    return {
      module: BillingJobsApp,
      imports: [JobsModule.forRoot({ driver: new RedisDriver({ url, prefix: 'billing' }) })],
      providers: [InvoiceJobs],
    };
  }
}

/** Inject with `@Inject(BILLING_INVOICES) invoices: Producer<InvoiceJobs>`. */
export const BILLING_INVOICES = Symbol('billing invoices producer');
const BILLING_CONTEXT = Symbol('billing jobs context');

/** Closes billing's context with the app that started it. */
@Injectable()
class BillingContextCloser implements OnApplicationShutdown {
  constructor(private readonly context: INestApplicationContext) {}
  async onApplicationShutdown(): Promise<void> {
    await this.context.close();
  }
}

/**
 * Import into the main app: starts billing's jobs app (workers, schedules)
 * beside it and provides its producer; the main app's own JobsModule stays on
 * the main Redis.
 */
@Global()
@Module({})
export class BillingConnectionModule {
  static forRoot(options: { url: string }): DynamicModule {
    return {
      module: BillingConnectionModule,
      providers: [
        {
          provide: BILLING_CONTEXT,
          useFactory: () => NestFactory.createApplicationContext(BillingJobsApp.forRoot(options.url), { abortOnError: false }),
        },
        {
          provide: BILLING_INVOICES,
          useFactory: (context: INestApplicationContext) => context.get<Producer<InvoiceJobs>>(getProducerToken(InvoiceJobs)),
          inject: [BILLING_CONTEXT],
        },
        { provide: BillingContextCloser, useFactory: (context: INestApplicationContext) => new BillingContextCloser(context), inject: [BILLING_CONTEXT] },
      ],
      exports: [BILLING_INVOICES],
    };
  }
}
