import TestRunner from 'jest-runner';

/**
 * Runs its project's test files one at a time, apart from every other file: jest starts one
 * runner's files only once the previous runner's are done. For the tests that compare the
 * service's answers at one time with its answers at another, which the load of other test
 * files, starting and ending beside them, would skew.
 */
export default class SerialRunner extends TestRunner {
  override readonly isSerial = true;
}
