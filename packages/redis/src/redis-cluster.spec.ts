import { afterAll, beforeAll } from '@jest/globals';
import { describeDriverConformance } from '@nest-jobs/core/testing';
import { RedisDriver } from './redis.driver.js';
import { startRedisCluster, type RedisClusterHandle } from './testing/index.js';

let cluster: RedisClusterHandle | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 30_000);
afterAll(async () => {
  await cluster?.stop();
});

// Every script touching keys of more than one slot would fail here with CROSSSLOT.
describeDriverConformance('RedisDriver on a 3-master Redis Cluster', () => new RedisDriver({ connection: { nodes: cluster!.nodes }, prefix: 'cluster' }), { timeScale: 3 });
