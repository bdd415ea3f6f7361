// Tests run on tsc's own output (native ES modules): no transformer stands
// between the compiler that checks the code and the code that runs.
export default {
  testEnvironment: 'node',
  transform: {},
  roots: ['<rootDir>/packages', '<rootDir>/sample-app', '<rootDir>/test'],
  testMatch: ['**/dist/**/*.spec.js'],
  // The fault suite (kill -9, Redis restarts, fuzzing) runs apart: `npm run test:faults`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/dist/faults/'],
  testTimeout: 30000,
  // A test that leaves a socket or timer behind must not hang CI after all
  // suites have reported; the suites themselves close what they open.
  forceExit: true,
};
