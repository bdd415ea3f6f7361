import type { DrainReport } from './drain-report.js';

/** `drain()` or `advance()` could not settle, or jobs ended dead; `report` says what ran. */
export class JobsTesterError extends Error {
  override readonly name = 'JobsTesterError';

  constructor(message: string, readonly report: DrainReport, options?: ErrorOptions) {
    super(message, options);
  }
}
