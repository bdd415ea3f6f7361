import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { freePort } from './free-port.js';
import { generateTlsCertificates } from './tls-certs.js';

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--appendonly', 'yes']`. */
  args?: string[];
  port?: number;
  /**
   * Serve TLS only (the plain port is off), with a certificate for 127.0.0.1
   * signed by a CA generated for this server; clients need not present one.
   */
  tls?: boolean;
}

/** A redis-server this process started, on loopback, in its own temp dir. */
export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>`, or `rediss://` with `tls: true`. */
  readonly url: string;
  readonly port: number;
  /** With `tls: true`: the CA certificate (PEM) that signed the server's, for `connection: { tls: { ca } }`. */
  readonly ca?: string;
  readonly dir: string;
  /** Stops the server (SIGTERM) and removes its dir. */
  stop(): Promise<void>;
  /** Sends a signal (e.g. SIGKILL) without cleaning up, to simulate a crash. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and dir (after kill). */
  restart(): Promise<void>;
}

/** Fails with install instructions when the binary is missing. */
export function assertRedisServerInstalled(binary = 'redis-server'): void {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${binary} not found: the tests start their own Redis. Install it with \`apt-get install redis-server\` (Debian/Ubuntu) or \`brew install redis\`, or set REDIS_URL to a Redis the tests may use.`);
  }
}

/**
 * Starts a throwaway redis-server on a free loopback port (persistence off
 * unless `args` say otherwise). Never touches any other Redis.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  assertRedisServerInstalled();
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'nest-jobs-redis-'));
  const certificates = options.tls ? generateTlsCertificates(dir) : undefined;
  const listen = certificates
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', certificates.certFile, '--tls-key-file', certificates.keyFile,
      '--tls-ca-cert-file', certificates.caCertFile, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const args = [...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...(options.args ?? [])];
  const probeOptions: RedisOptions = { port, host: '127.0.0.1', ...(certificates && { tls: { ca: certificates.ca } }) };
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    await waitUntilReady(probeOptions, child);
  };
  await launch();
  return {
    url: `${certificates ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    port,
    dir,
    ...(certificates && { ca: certificates.ca }),
    async stop() {
      await terminate(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    async kill(signal = 'SIGKILL') {
      await terminate(child, signal);
    },
    restart: launch,
  };
}

async function waitUntilReady(target: RedisOptions, child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${stderr}`);
    const probe = new Redis({ ...target, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined); // connect() rejects with it; unhandled it would only spam the log
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // not listening yet
    } finally {
      probe.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${target.port} did not start within 10 s: ${stderr}`);
}

function terminate(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
