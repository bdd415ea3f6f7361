/** The library the ratios are about. */
export const NEST_JOBS = 'nest-jobs';
