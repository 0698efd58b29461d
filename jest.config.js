const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
};

/**
 * End-to-end tests that compare the service's answers during some work with its answers before
 * and after it: they run alone, after or before the others (test/setup/serial-runner.ts).
 */
const RUN_ALONE = '/deletion-under-load\\.e2e-spec\\.ts$';

module.exports = {
  // Tests wait on progress and fail when nothing moves for a long while (test/helpers/wait-for.ts);
  // this only ends a test that hangs, on however busy a machine.
  testTimeout: 15 * 60 * 1000,
  // An end-to-end test spends most of its time waiting on the services it started, so two test
  // files share a 2-core machine well (the suite's wall time nearly halves); on larger machines
  // half of the cores, leaving the rest to the services and commands the tests start. At most
  // four: each service process may hold 10 PostgreSQL connections, and a test may start several,
  // against the server's default of 100.
  maxWorkers: Math.min(4, Math.max(2, Math.floor(availableParallelism() / 2))),
  // Names the run; removes its Redis keys, temporary files and databases when it ends.
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testRegex: '.*\\.spec\\.ts$' },
    {
      ...common,
      displayName: 'e2e',
      rootDir: 'test',
      testRegex: '.*\\.e2e-spec\\.ts$',
      testPathIgnorePatterns: ['/node_modules/', RUN_ALONE],
    },
    {
      ...common,
      displayName: 'e2e-alone',
      rootDir: 'test',
      testRegex: RUN_ALONE,
      runner: '<rootDir>/setup/serial-runner.ts',
    },
    {
      ...common,
      displayName: 'browser',
      rootDir: 'test',
      testRegex: '.*\\.browser-spec\\.ts$',
    },
  ],
};
