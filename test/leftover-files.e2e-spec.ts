import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { removeTestData, startTestApp, testEnvironment } from './helpers/test-app';
import { sleep, waitFor } from './helpers/wait-for';

const HOUR_MS = 60 * 60 * 1000;

/** Writes a file last modified `ageMs` ago, as a process killed mid-write leaves it. */
function leftover(path: string, ageMs: number): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'partial');
  const modified = new Date(Date.now() - ageMs);
  utimesSync(path, modified, modified);
  return path;
}

/**
 * A write or an upload cut short by a crash leaves a temporary file behind: an image being
 * stored (`<key>.<uuid>.tmp` in STORAGE_DIR), or the spool of an upload being received (in the
 * OS temp folder). The next start removes those old enough to be nobody's any more.
 */
describe('Files left by a crash', () => {
  it('are removed after start-up once they are old, and fresh ones are left alone', async () => {
    const env = await testEnvironment();
    const folder = join(env.STORAGE_DIR, randomUUID());
    const storageLeftovers = [
      leftover(join(folder, `1-1.jpg.${randomUUID()}.tmp`), 2 * HOUR_MS),
      leftover(join(folder, `output.csv.${randomUUID()}.tmp`), 30 * HOUR_MS),
    ];
    const spoolLeftover = leftover(
      join(tmpdir(), `image-batch-upload-${randomUUID()}.ndjson`),
      3 * HOUR_MS,
    );
    const kept = [
      leftover(join(folder, `2-1.jpg.${randomUUID()}.tmp`), 60_000),
      leftover(join(folder, '1-1.jpg'), 5 * HOUR_MS),
      leftover(join(tmpdir(), `image-batch-upload-${randomUUID()}.ndjson`), 60_000),
    ];
    const service = await startTestApp(env);
    try {
      await waitFor(() => [...storageLeftovers, spoolLeftover].every((path) => !existsSync(path)), {
        timeoutMs: 10_000,
        what: 'the old leftovers to be removed',
      });
      // That the sweep leaves the fresh files alone is an absence: only a short wait shows it.
      await sleep(500);

      expect(kept.filter(existsSync)).toEqual(kept);
    } finally {
      await service.close();
      for (const path of [...kept, spoolLeftover]) rmSync(path, { force: true });
      await removeTestData(env);
    }
  });
});
