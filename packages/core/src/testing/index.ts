export { describeDriverConformance, type ConformanceOptions } from './conformance/describe-driver-conformance.js';
export type { DriverFactory } from './conformance/fixture.js';
