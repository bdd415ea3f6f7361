import { randomFillSync } from 'node:crypto';

/** Random bytes drawn from the OS at once and handed out in slices: one syscall per refill. */
const POOL_BYTES = 4_096;

/**
 * Random base64url text from a pooled buffer: job ids (core), fencing-token
 * nonces (drivers). `randomBytes(12)` per call costs a getrandom syscall each
 * time (about 15 µs on a small VM, per job on the hot path); a pool of 4 KiB
 * serves hundreds of calls per syscall. Hold one per owner: no shared state.
 */
export class RandomText {
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private offset = POOL_BYTES;

  /** `bytes` random bytes (at most 4,096) as base64url: 12 bytes give 16 characters. */
  next(bytes = 12): string {
    if (this.offset + bytes > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const text = this.pool.toString('base64url', this.offset, this.offset + bytes);
    this.offset += bytes;
    return text;
  }
}
