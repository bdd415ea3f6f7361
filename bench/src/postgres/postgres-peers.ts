import { MemoryDriver } from '@nest-jobs/core';
import { PostgresDriver } from '@nest-jobs/postgres';
import { NestJobsPeer } from '../peers/nest-jobs.peer.js';
import type { Peer } from '../peers/peer.js';
import { GraphileWorkerPeer } from './graphile-worker.peer.js';
import { PgBossPeer } from './pg-boss.peer.js';

/** The PostgreSQL suite: nest-jobs on PostgresDriver, its PostgreSQL peers, and the memory driver as a ceiling. */
export function postgresPeers(): Peer[] {
  return [
    new NestJobsPeer((target) => new PostgresDriver({ url: target.url, schema: 'bench' })),
    new PgBossPeer(),
    new GraphileWorkerPeer(),
    new NestJobsPeer(() => new MemoryDriver(), { name: 'memory', shareDriver: true, ceiling: true, skips: ['memory'] }),
  ];
}
