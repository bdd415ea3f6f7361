import type { failFor } from './option-validators.js';

export const DEFAULT_CATCH_UP_WINDOW = 24 * 3_600_000;

/** The tick rules shared by `@Cron`/`@Every` and runtime schedules. */
export interface ScheduleRules {
  catchUp: 'none' | 'last';
  catchUpWindow: number;
  overlap: boolean;
}

/** Validates `catchUp`, `catchUpWindow` and `overlap`, naming the option that is wrong, and fills the defaults. */
export function scheduleRules(
  options: { catchUp?: unknown; catchUpWindow?: unknown; overlap?: unknown },
  fail: ReturnType<typeof failFor>,
): ScheduleRules {
  const { catchUp, catchUpWindow, overlap } = options;
  if (catchUp !== undefined && catchUp !== 'none' && catchUp !== 'last') fail('catchUp', '"none" or "last"', catchUp);
  if (overlap !== undefined && typeof overlap !== 'boolean') fail('overlap', 'a boolean', overlap);
  if (catchUpWindow !== undefined && (!Number.isInteger(catchUpWindow) || (catchUpWindow as number) < 0)) {
    fail('catchUpWindow', 'an integer number of ms ≥ 0', catchUpWindow);
  }
  return {
    catchUp: (catchUp as ScheduleRules['catchUp'] | undefined) ?? 'last',
    catchUpWindow: (catchUpWindow as number | undefined) ?? DEFAULT_CATCH_UP_WINDOW,
    overlap: (overlap as boolean | undefined) ?? true,
  };
}
