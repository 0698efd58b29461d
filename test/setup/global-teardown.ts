import { rmSync } from 'node:fs';
import { dropRunDatabases, usesPostgres } from '../helpers/test-database';
import { removeRedisKeys, runQueuePrefix, SHARED_REDIS_URL, testRunId } from '../helpers/test-run';

/**
 * Removes what this run's tests left, failed ones included: its keys in the shared Redis, its
 * temporary folder and, with `TEST_DATABASE=postgres`, its databases. Each test removes its own
 * as it ends; this catches what a test that failed half-way could not.
 */
export default async function globalTeardown(): Promise<void> {
  const runId = testRunId();
  const keys = await removeRedisKeys(SHARED_REDIS_URL, runQueuePrefix(runId));
  const runTempDir = process.env.TEST_RUN_TMPDIR;
  if (runTempDir) rmSync(runTempDir, { recursive: true, force: true });
  const databases = usesPostgres() ? await dropRunDatabases(runId) : 0;
  if (keys > 0 || databases > 0) {
    process.stdout.write(
      `Global teardown removed ${keys} Redis keys and ${databases} databases left by run ${runId}\n`,
    );
  }
}
