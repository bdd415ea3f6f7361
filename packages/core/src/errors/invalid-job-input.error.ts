/** A payload, result or enqueue option refused before anything was queued. */
export class InvalidJobInputError extends Error {
  override readonly name = 'InvalidJobInputError';
}
