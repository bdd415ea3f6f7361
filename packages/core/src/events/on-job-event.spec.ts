import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Logger, Module, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { InjectProducer } from '../decorators/inject-producer.decorator.js';
import { Job } from '../decorators/job.decorator.js';
import { OnJobEvent } from '../decorators/on-job-event.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import { JobsModule } from '../module/jobs.module.js';
import type { Producer } from '../producer/producer.interface.js';
import { JobsTester } from '../testing/index.js';

const heard: string[] = [];

@Injectable()
class MailJobs {
  constructor(@InjectProducer(MailJobs) readonly producer: Producer<MailJobs>) {}

  @Job({ queue: 'mail' })
  send(to: string): string {
    if (to === 'bad') throw new Error('mailbox full');
    return `sent ${to}`;
  }

  @Job({ queue: 'other' })
  audit(): void {}
}

@Injectable()
class Alerts {
  @OnJobEvent('dead', { job: 'MailJobs.send' })
  onDead(event: JobEvent): void {
    heard.push(`dead ${event.name} ${event.error?.message}`);
  }

  @OnJobEvent(['completed', 'dead'], { queue: 'mail' })
  async onMailDone(event: JobEvent): Promise<void> {
    await Promise.resolve();
    heard.push(`${event.type} in mail`);
  }

  @OnJobEvent('completed')
  broken(): void {
    throw new Error('listener bug');
  }

  @OnJobEvent('*', { queue: 'other' })
  onOther(event: JobEvent): void {
    heard.push(`${event.type} in other`);
  }
}

let moduleRef: TestingModule | undefined;
afterEach(async () => {
  heard.length = 0;
  await moduleRef?.close();
  moduleRef = undefined;
});

async function boot(providers: Type[]): Promise<TestingModule> {
  @Module({ providers })
  class FeatureModule {}
  moduleRef = await Test.createTestingModule({ imports: [JobsModule.forRoot({ driver: new MemoryDriver(), testing: true }), FeatureModule] }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef;
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('@OnJobEvent', () => {
  it('hands each listener the events it asked for, by type, job and queue; a listener that throws is logged and the others still run', async () => {
    const errors: string[] = [];
    const spy = Logger.prototype.error;
    Logger.prototype.error = function (message: unknown) {
      errors.push(String(message));
    };
    try {
      const ref = await boot([MailJobs, Alerts]);
      const mail = ref.get(MailJobs).producer;
      await mail.enqueue('send', 'ada');
      await mail.enqueue('send', 'bad');
      await mail.enqueue('audit', undefined);
      await ref.get(JobsTester).drain({ allowDead: true });
      await settle();
      expect(heard.sort()).toEqual([
        'active in other', 'completed in mail', 'completed in other', 'dead MailJobs.send mailbox full', 'dead in mail', 'enqueued in other',
      ]);
      expect(errors.filter((line) => line.includes('@OnJobEvent listener Alerts.broken failed on "completed"'))).toHaveLength(2);
    } finally {
      Logger.prototype.error = spy;
    }
  });

  it.each<[string, Type, RegExp]>([
    ['an unknown event type', (() => {
      @Injectable() class BadType { @OnJobEvent('finished' as 'completed') on(): void {} }
      return BadType;
    })(), /@OnJobEvent on "BadType\.on": unknown event type "finished"/],
    ['an unknown job name', (() => {
      @Injectable() class BadJob { @OnJobEvent('dead', { job: 'MailJobs.sned' }) on(): void {} }
      return BadJob;
    })(), /@OnJobEvent on "BadJob\.on": no @Job, @Cron or @Every is named "MailJobs\.sned"/],
  ])('refuses %s at bootstrap, naming Class.method', async (_label, listener, message) => {
    await expect(boot([MailJobs, listener])).rejects.toThrow(message);
  });
});
