import { Redis } from 'ioredis';
import type { StoreControl } from '../store-control.js';

/** The bench's own connection to the server it started: flush, memory, stats. */
export class RedisControl implements StoreControl {
  private cpuSince: NodeJS.CpuUsage | undefined;
  private constructor(private readonly client: Redis) {}

  static async connect(url: string): Promise<RedisControl> {
    const client = new Redis(url, { lazyConnect: true });
    await client.connect();
    return new RedisControl(client);
  }

  async flush(): Promise<void> {
    await this.client.flushdb();
  }

  async usedMemory(): Promise<number> {
    return Number(field(await this.client.info('memory'), 'used_memory'));
  }

  async version(): Promise<string> {
    return field(await this.client.info('server'), 'redis_version');
  }

  /** Zeroes Redis's command statistics and starts counting this process's CPU time (see nodeCpuUs). */
  async resetStats(): Promise<void> {
    await this.client.config('RESETSTAT');
    this.cpuSince = process.cpuUsage();
  }

  /**
   * CPU µs (user + system) this process spent since the last resetStats: every library runs in the
   * bench's own process (producer, worker and their clients), so this is Node's side of the run.
   */
  nodeCpuUs(): number {
    const spent = process.cpuUsage(this.cpuSince);
    return spent.user + spent.system;
  }

  /** `INFO commandstats` as command → calls and µs spent. */
  async commandStats(): Promise<Record<string, { calls: number; usec: number }>> {
    const stats: Record<string, { calls: number; usec: number }> = {};
    for (const line of (await this.client.info('commandstats')).split('\r\n')) {
      const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
      if (match) stats[match[1]!] = { calls: Number(match[2]), usec: Number(match[3]) };
    }
    return stats;
  }

  async close(): Promise<void> {
    await this.client.quit();
  }
}

function field(info: string, name: string): string {
  const match = new RegExp(`^${name}:(.*)$`, 'm').exec(info);
  if (!match) throw new Error(`INFO has no ${name}`);
  return match[1]!.trim();
}
