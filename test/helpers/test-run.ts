import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';

/**
 * One run of the suites, named by jest's global setup (`test/setup/`). Every queue prefix, temporary
 * folder and PostgreSQL database a test makes carries the run's id, so that the global teardown
 * can remove whatever a failed test left behind, and nothing that belongs to another run.
 */
const RUN_ID_VARIABLE = 'TEST_RUN_ID';

export function testRunId(): string {
  const runId = process.env[RUN_ID_VARIABLE];
  if (!runId) throw new Error(`${RUN_ID_VARIABLE} is unset: run the tests through jest`);
  return runId;
}

export function setTestRunId(runId: string): void {
  process.env[RUN_ID_VARIABLE] = runId;
}

/** The Redis every test shares, unless it starts one of its own (`PrivateRedis`). */
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The queue prefix of one test's service: under the run's, and apart from every other test's. */
export const testQueuePrefix = (): string => `${runQueuePrefix(testRunId())}${randomUUID()}`;

export const runQueuePrefix = (runId: string): string => `test-${runId}-`;

/** Removes every key whose name starts with `prefix`; answers how many there were. */
export async function removeRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let removed = 0;
    // Keys of a service stopped a moment ago may still be written by its last commands: sweep
    // until a pass finds nothing.
    for (;;) {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(
          cursor,
          'MATCH',
          `${globEscaped(prefix)}*`,
          'COUNT',
          1000,
        );
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      if (keys.length === 0) return removed;
      for (let start = 0; start < keys.length; start += 500) {
        removed += await redis.unlink(...keys.slice(start, start + 500));
      }
    }
  } finally {
    redis.disconnect();
  }
}

const globEscaped = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');
