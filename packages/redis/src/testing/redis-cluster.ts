import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { startRedisServer, type RedisServerHandle } from './redis-server.js';

export interface RedisClusterHandle {
  readonly nodes: Array<{ host: string; port: number }>;
  stop(): Promise<void>;
}

/**
 * A 3-master Redis Cluster on loopback ports, built with `redis-cli --cluster
 * create`, for proving that every script stays within one hash slot.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const servers: RedisServerHandle[] = [];
  try {
    for (let index = 0; index < masters; index++) {
      servers.push(await startRedisServer({ port: await freePort(), args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'] }));
    }
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stderr || created.stdout}`);
    await waitForClusterOk(servers.map((server) => server.port));
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
  return {
    nodes: servers.map((server) => ({ host: '127.0.0.1', port: server.port })),
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}

async function waitForClusterOk(ports: number[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const states = await Promise.all(ports.map(async (port) => {
      const client = new Redis({ port, host: '127.0.0.1' });
      try {
        return /cluster_state:ok/.test(await client.cluster('INFO'));
      } finally {
        client.disconnect();
      }
    }));
    if (states.every(Boolean)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('Redis Cluster did not reach cluster_state:ok within 15 s');
}
