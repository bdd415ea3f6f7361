/** Options of {@link MemoryDriver}. */
export interface MemoryDriverOptions {
  /** Clock in epoch ms for run times, leases and timestamps; inject one for deterministic tests. Default `Date.now`. */
  now?: () => number;
  /** Failed tries kept per job, oldest dropped first. Default 20, as every driver keeps. */
  maxErrorsKept?: number;
}
