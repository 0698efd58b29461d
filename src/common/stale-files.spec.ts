import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleFiles } from './stale-files';

const HOUR_MS = 60 * 60 * 1000;

describe('removeStaleFiles', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'stale-files-'));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Writes a file last modified `ageMs` ago. */
  const file = (path: string, ageMs: number): string => {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, 'x');
    const modified = new Date(Date.now() - ageMs);
    utimesSync(full, modified, modified);
    return full;
  };

  const sweep = (recursive: boolean) =>
    removeStaleFiles({
      directory: root,
      matches: (name) => name.endsWith('.tmp'),
      olderThanMs: HOUR_MS,
      recursive,
    });

  it('removes the matching files older than the age, in subfolders too, and nothing else', async () => {
    const old = [file('a.tmp', 2 * HOUR_MS), file('request/1-1.jpg.x.tmp', 3 * HOUR_MS)];
    const kept = [
      file('fresh.tmp', 60_000),
      file('request/1-1.jpg', 5 * HOUR_MS),
      file('request/2-1.jpg.y.tmp', 10_000),
    ];

    expect(await sweep(true)).toBe(2);

    expect(old.filter(existsSync)).toEqual([]);
    expect(kept.filter(existsSync)).toEqual(kept);
  });

  it('leaves subfolders alone unless asked to look into them', async () => {
    const nested = file('request/old.tmp', 2 * HOUR_MS);
    const top = file('old.tmp', 2 * HOUR_MS);

    expect(await sweep(false)).toBe(1);

    expect(existsSync(top)).toBe(false);
    expect(existsSync(nested)).toBe(true);
  });

  it('finds nothing to remove in a folder that does not exist', async () => {
    rmSync(root, { recursive: true });

    expect(await sweep(true)).toBe(0);
  });

  it('stops once told to', async () => {
    for (let index = 0; index < 20; index++) file(`${index}.tmp`, 2 * HOUR_MS);
    const stop = new AbortController();
    stop.abort();

    expect(
      await removeStaleFiles({
        directory: root,
        matches: () => true,
        olderThanMs: HOUR_MS,
        recursive: true,
        signal: stop.signal,
      }),
    ).toBe(0);
  });
});
