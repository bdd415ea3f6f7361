// Tests run on tsc's own output (native ES modules): no transformer stands
// between the compiler that checks the code and the code that runs.
export default {
  testEnvironment: 'node',
  transform: {},
  roots: ['<rootDir>/packages', '<rootDir>/sample-app', '<rootDir>/test'],
  testMatch: ['**/dist/**/*.spec.js'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 30000,
};
