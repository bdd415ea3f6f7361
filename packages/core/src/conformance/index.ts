export { describeDriverConformance, type ConformanceOptions } from './describe-driver-conformance.js';
export type { DriverFactory } from './fixture.js';
