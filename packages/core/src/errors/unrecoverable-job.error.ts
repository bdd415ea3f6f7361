/** Throw from a handler to send the job straight to dead, skipping the tries left. */
export class UnrecoverableJobError extends Error {
  override readonly name = 'UnrecoverableJobError';
}
