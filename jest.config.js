/**
 * One jest run for unit specs (beside the code, src/**\/*.spec.ts) and integration specs
 * (test/**\/*.spec.ts, against the real PostgreSQL and Redis). globalSetup creates a database
 * and a Redis key prefix of this run's own; globalTeardown drops them.
 *
 * NestJS 12 and some of its dependencies ship as ES modules, which jest's CommonJS runtime
 * cannot require() on Node 20: test/support/jest-transform.js compiles those (and only those)
 * packages too.
 */

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/migrations'],
  testMatch: ['**/*.spec.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.(t|j)s$': '<rootDir>/test/support/jest-transform.js' },
  transformIgnorePatterns: [],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/main.ts'],
  coverageDirectory: 'coverage',
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: { global: { lines: 80 } },
  testTimeout: 30000,
  maxWorkers: 2,
};
