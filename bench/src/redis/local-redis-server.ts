import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export interface RedisServerHandle {
  url: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** A throwaway redis-server on a free loopback port, persistence off. */
export async function startLocalRedisServer(binary = process.env.REDIS_SERVER ?? 'redis-server'): Promise<RedisServerHandle> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const args = ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--loglevel', 'warning'];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const spawnError = once(child, 'error').then(([error]) => {
    throw new Error(`Could not start ${binary} (${String(error)}): install redis-server or set REDIS_SERVER.`);
  });
  await Promise.race([waitForPing(host, port, child), spawnError]).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}\n${stderr}`);
  });
  return {
    url: `redis://${host}:${port}`,
    host,
    port,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function freePort(host: string): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('No free port');
  return address.port;
}

async function waitForPing(host: string, port: number, child: ChildProcess): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const client = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch {
      await sleep(50);
    } finally {
      client.disconnect();
    }
  }
  throw new Error(`redis-server did not answer on ${host}:${port}`);
}
