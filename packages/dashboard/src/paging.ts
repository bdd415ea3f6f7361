import { BadRequestException } from '@nestjs/common';
import { JOB_STATES as ALL_STATES, type JobState } from '@nest-jobs/core';
import { dashboardMessages } from './dashboard.messages.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;
/** Deepest page: keeps offsets (and the driver's work) bounded. */
export const MAX_PAGE = 1_000;
export const JOB_STATES: readonly JobState[] = ALL_STATES;

export interface Paging {
  page: number;
  size: number;
  offset: number;
}

/** Reads `page` and `size` from a query string; 400 outside 1–1000 and 1–100. */
export function parsePaging(page: string | undefined, size: string | undefined): Paging {
  const pageNumber = parseBounded(page, 1, MAX_PAGE, dashboardMessages.page(MAX_PAGE, page ?? ''));
  const pageSize = parseBounded(size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, dashboardMessages.pageSize(MAX_PAGE_SIZE, size ?? ''));
  return { page: pageNumber, size: pageSize, offset: (pageNumber - 1) * pageSize };
}

export function parseState(state: string | undefined, fallback: JobState): JobState {
  if (state === undefined || state === '') return fallback;
  const match = JOB_STATES.find((candidate) => candidate === state);
  if (!match) throw new BadRequestException(dashboardMessages.state(JOB_STATES, state));
  return match;
}

function parseBounded(value: string | undefined, fallback: number, max: number, message: string): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(number) || number < 1 || number > max) throw new BadRequestException(message);
  return number;
}
