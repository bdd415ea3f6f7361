// How testing mode (JobsTester) reaches into a MemoryDriver; none of these is exported from the package.

/** Takes over the driver's clock with the virtual one. */
export const ATTACH_TEST_CLOCK = Symbol('nest-jobs:memory:attach-test-clock');
/** When a held-back lane may start a job (a rate window, a hold). */
export const NEXT_LANE_START = Symbol('nest-jobs:memory:next-lane-start');
/** Clears rate windows, holds and dedupe windows (JobsTester.reset). */
export const FORGET_FLOW_USAGE = Symbol('nest-jobs:memory:forget-flow-usage');
