// A relay process for the outbox spec: PostgresOutbox relaying to a RedisDriver until killed.
// env: RELAY_REDIS_URL, RELAY_POSTGRES_URL, RELAY_PREFIX, RELAY_BATCH
import { PostgresOutbox } from '@nest-jobs/postgres';
import { RedisDriver } from '@nest-jobs/redis';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`relay-child: ${name} is required`);
  return value;
};
const driver = new RedisDriver({ url: env('RELAY_REDIS_URL'), prefix: env('RELAY_PREFIX') });
await driver.open();
const outbox = new PostgresOutbox({ url: env('RELAY_POSTGRES_URL'), batchSize: Number(env('RELAY_BATCH')) });
await outbox.start(driver);
process.stdout.write('relay ready\n');
