/**
 * A Redis key nest-jobs writes holds a value of another type (or a counter no
 * integer), e.g. after another program wrote it. The script refused the whole
 * call before changing anything; the message names the key, its queue and the fix.
 */
export class RedisKeyTypeError extends Error {
  override readonly name: string = 'RedisKeyTypeError';

  constructor(
    message: string,
    /** The key with the wrong content. */
    readonly key: string,
    /** The queue the key belongs to. */
    readonly queue: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
