/** What the runner and scenarios need from the server a suite runs on (Redis or PostgreSQL). */
export interface StoreControl {
  /** Empties the store between runs (FLUSHDB; a dropped and re-created database). */
  flush(): Promise<void>;
  /** Bytes the store holds for the bench's data (Redis used_memory; PostgreSQL relation sizes). */
  usedMemory(): Promise<number>;
  version(): Promise<string>;
  /** Zeroes the server's statement statistics and starts counting this process's CPU time. */
  resetStats(): Promise<void>;
  /** CPU µs (user + system) this process spent since the last resetStats. */
  nodeCpuUs(): number;
  /** Server-side work since resetStats: command (or statement kind) → calls and µs. */
  commandStats(): Promise<Record<string, { calls: number; usec: number }>>;
  close(): Promise<void>;
}
