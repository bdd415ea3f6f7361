import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';
import { postgresBinDir, serverAccount } from './postgres-binaries.js';

export interface PostgresServerOptions {
  port?: number;
  /** Extra settings, passed as `-c key=value` (e.g. `{ shared_preload_libraries: 'pg_stat_statements' }`). */
  settings?: Record<string, string>;
}

/** A PostgreSQL server this process started, on loopback, in its own temp dir, with trust auth. */
export interface PostgresServerHandle {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the server (fast shutdown) and removes its dir. */
  stop(): Promise<void>;
  /** Sends a signal (e.g. SIGKILL) without cleaning up, to simulate a crash. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and data dir (after kill). */
  restart(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL: initdb into a temp dir, a free loopback port,
 * the unix socket inside the temp dir, durability off (tests only). Never
 * touches any other server. As root, the server runs as the `postgres` user.
 */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServerHandle> {
  const bin = postgresBinDir();
  const account = serverAccount();
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'nest-jobs-pg-'));
  if (account.uid !== undefined) chownSync(dir, account.uid, account.gid!);
  const data = join(dir, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], {
    ...account, encoding: 'utf8',
  });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.error?.message}): ${init.stderr}`);
  }
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1', unix_socket_directories: dir, fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off',
    max_connections: '200', ...options.settings,
  };
  const args = ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])];
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    child = spawn(join(bin, 'postgres'), args, { ...account, stdio: ['ignore', 'ignore', 'pipe'] });
    await waitUntilReady(url, child);
  };
  await launch();
  return {
    url,
    port,
    dir,
    async stop() {
      await terminate(child, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
    async kill(signal = 'SIGKILL') {
      await terminate(child, signal);
    },
    restart: launch,
  };
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}: ${stderr}`);
    const probe = new pg.Client({ connectionString: url });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.query('SELECT 1');
      return;
    } catch {
      // not accepting connections yet
    } finally {
      await probe.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`postgres on ${url} did not start within 20 s: ${stderr}`);
}

function terminate(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
