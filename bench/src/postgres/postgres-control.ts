import pg from 'pg';
import type { StoreControl } from '../store-control.js';

const DATABASE = 'bench';

/**
 * The bench's own connection to the PostgreSQL it started. Each run gets a
 * fresh database (dropped and created again), so no library sees another's
 * tables, and sizes and statistics start from zero.
 */
export class PostgresControl implements StoreControl {
  private cpuSince: NodeJS.CpuUsage | undefined;
  private constructor(private readonly admin: pg.Client, private readonly benchUrl: string, private readonly statements: boolean) {}

  /** `serverUrl` names the maintenance database; the bench's own is `bench` on the same server. */
  static async connect(serverUrl: string): Promise<PostgresControl> {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    // Statement statistics need the server started with shared_preload_libraries = pg_stat_statements.
    const statements = await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').then(() => true, () => false);
    const url = new URL(serverUrl);
    url.pathname = `/${DATABASE}`;
    return new PostgresControl(admin, url.toString(), statements);
  }

  /** Where the libraries connect. */
  get url(): string {
    return this.benchUrl;
  }

  async flush(): Promise<void> {
    // A library's pool may still be closing its last connection: FORCE would kill it, and an
    // 'error' on a pool nobody listens to any more ends the process.
    for (let waited = 0; waited < 5_000 && (await this.connections()) > 0; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    await this.admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await this.admin.query(`CREATE DATABASE ${DATABASE}`);
  }

  private async connections(): Promise<number> {
    const { rows } = await this.admin.query<{ n: string }>('SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = $1', [DATABASE]);
    return Number(rows[0]!.n);
  }

  /** Heap, index and TOAST bytes of every table in the bench database. */
  async usedMemory(): Promise<number> {
    const client = new pg.Client({ connectionString: this.benchUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ bytes: string }>(`
        SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS bytes
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`);
      return Number(rows[0]!.bytes);
    } finally {
      await client.end();
    }
  }

  async version(): Promise<string> {
    const { rows } = await this.admin.query<{ server_version: string }>('SHOW server_version');
    return rows[0]!.server_version.split(' ')[0]!;
  }

  async resetStats(): Promise<void> {
    if (this.statements) await this.admin.query('SELECT pg_stat_statements_reset()');
    this.cpuSince = process.cpuUsage();
  }

  nodeCpuUs(): number {
    const spent = process.cpuUsage(this.cpuSince);
    return spent.user + spent.system;
  }

  /** Statements in the bench database by their first keyword (SELECT, INSERT, ...): calls and execution µs. */
  async commandStats(): Promise<Record<string, { calls: number; usec: number }>> {
    if (!this.statements) return {};
    const { rows } = await this.admin.query<{ kind: string; calls: string; ms: number }>(`
      SELECT lower(split_part(ltrim(query), ' ', 1)) AS kind, sum(calls)::text AS calls, sum(total_exec_time) AS ms
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) GROUP BY 1`, [DATABASE]);
    return Object.fromEntries(rows.map((row) => [row.kind, { calls: Number(row.calls), usec: Math.round(row.ms * 1_000) }]));
  }

  async close(): Promise<void> {
    await this.admin.end();
  }
}
