import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTestRunId } from '../helpers/test-run';

/**
 * Names this run and gives it a temporary folder of its own: the tests, the services they start
 * and the browsers they drive all write their temporary files there (TMPDIR), and the global
 * teardown removes it with everything in it.
 */
export default function globalSetup(): void {
  const runId = randomBytes(4).toString('hex');
  setTestRunId(runId);
  const runTempDir = join(tmpdir(), `image-batch-test-run-${runId}`);
  mkdirSync(runTempDir, { recursive: true });
  process.env.TEST_RUN_TMPDIR = runTempDir;
  process.env.TMPDIR = runTempDir;
}
