/**
 * The queue backend could not be reached for an operation (nothing was
 * changed by it). Drivers throw a subclass (e.g. `RedisUnavailableError`)
 * whose message names the server; catch this one to handle any driver's outage.
 */
export class DriverUnavailableError extends Error {
  override readonly name: string = 'DriverUnavailableError';
}
