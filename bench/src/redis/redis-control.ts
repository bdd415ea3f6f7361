import { Redis } from 'ioredis';

/** The bench's own connection to the server it started: flush, memory, stats. */
export class RedisControl {
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

  async resetStats(): Promise<void> {
    await this.client.config('RESETSTAT');
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
