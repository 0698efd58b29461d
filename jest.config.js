const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
};

module.exports = {
  // Tests wait on progress and fail when nothing moves for a long while (test/helpers/wait-for.ts);
  // this only ends a test that hangs, on however busy a machine.
  testTimeout: 15 * 60 * 1000,
  // An end-to-end test spends most of its time waiting on the services it started, so two test
  // files share a 2-core machine well (the suite's wall time nearly halves); on larger machines
  // half of the cores, leaving the rest to the services and commands the tests start.
  maxWorkers: Math.max(2, Math.floor(availableParallelism() / 2)),
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
    },
    {
      ...common,
      displayName: 'browser',
      rootDir: 'test',
      testRegex: '.*\\.browser-spec\\.ts$',
    },
  ],
};
