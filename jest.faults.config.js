// The fault, bad-input and security suite of test/src/faults: real processes,
// real redis-servers, longer timeouts. Run by `npm run test:faults`, not `npm test`.
export default {
  testEnvironment: 'node',
  transform: {},
  roots: ['<rootDir>/test/dist/faults'],
  testMatch: ['**/*.spec.js'],
  testTimeout: 120000,
  maxWorkers: 2,
  // A hung child or socket must fail the run, never hang CI.
  forceExit: true,
};
