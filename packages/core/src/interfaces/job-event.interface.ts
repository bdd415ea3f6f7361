import type { JobErrorInfo } from '../admin/job-info.interface.js';
import type { JobEventType } from '../driver/driver-event.js';

/** A job's state change, seen by every process on the same driver. */
export interface JobEvent {
  type: JobEventType;
  queue: string;
  name: string;
  id: string;
  attempt: number;
  at: Date;
  /** Handler's return value (`completed`). */
  result?: unknown;
  /** Reported value (`progress`). */
  progress?: unknown;
  /** The failed try (`failed`) or the last error (`dead`). */
  error?: JobErrorInfo;
  /** Next try (`retrying`). */
  runAt?: Date;
}
