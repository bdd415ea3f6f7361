import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Global, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectProducer } from '../decorators/inject-producer.decorator.js';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import type { Producer } from '../producer/producer.interface.js';
import { JobsModule } from './jobs.module.js';

// Declared before the job classes below, as when an InfraModule's file is loaded
// before the feature's: forRootAsync runs before OrderJobs exists.
@Global()
@Module({ imports: [JobsModule.forRootAsync({ useFactory: () => ({ driver: new MemoryDriver(), shutdownTimeout: 500 }) })] })
class InfraModule {}

@Injectable()
class OrderJobs {
  @Job()
  confirm(orderId: string): string {
    return `confirmed ${orderId}`;
  }
}

@Controller()
class OrdersController {
  constructor(@InjectProducer(OrderJobs) readonly orders: Producer<OrderJobs>) {}
}

@Module({ providers: [OrderJobs], controllers: [OrdersController] })
class OrdersModule {}

/** Has @Job methods, but no module of the app below provides it. */
@Injectable()
class InvoiceJobs {
  @Job()
  send(): void {}
}

@Injectable()
class CheckoutService {
  constructor(@InjectProducer(InvoiceJobs) readonly invoices: Producer<InvoiceJobs>) {}
}

@Injectable()
class RefundService {
  @InjectProducer(InvoiceJobs) invoices!: Producer<InvoiceJobs>;
}

let app: INestApplicationContext | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const boot = async (module: new () => unknown): Promise<INestApplicationContext> =>
  (app = await NestFactory.createApplicationContext(module, { logger: false, abortOnError: false }));

describe('producers', () => {
  it('resolve for a feature module imported after a global module that calls forRootAsync before the job class exists', async () => {
    @Module({ imports: [InfraModule, OrdersModule] })
    class ShopAppModule {}
    const context = await boot(ShopAppModule);
    const handle = await context.get(OrdersController).orders.enqueue('confirm', 'o-1');
    expect(await handle.result({ timeout: 2_000 })).toBe('confirmed o-1');
  });

  it.each([
    ['a constructor parameter', CheckoutService],
    ['a property', RefundService],
  ])('fail bootstrap, naming the class and the fix, when @InjectProducer(X) on %s has no X provider', async (_where, host) => {
    @Module({ imports: [JobsModule.forRoot({ driver: new MemoryDriver() })], providers: [host] })
    class MissingProviderAppModule {}
    const failure = await boot(MissingProviderAppModule).then(() => undefined, (error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(JobsConfigurationError);
    expect(failure!.message).toBe(
      `${host.name} injects Producer<InvoiceJobs> (@InjectProducer(InvoiceJobs)), but InvoiceJobs is not a provider of this application, or has no @Job method: every enqueue would fail. Add InvoiceJobs to the \`providers\` of a module (e.g. the feature module that injects it).`,
    );
  });
});
