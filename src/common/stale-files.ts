import type { Dir } from 'node:fs';
import { opendir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface StaleFileSweep {
  directory: string;
  /** Whether a file, by its name, is one to remove once it is old enough. */
  matches: (name: string) => boolean;
  /** Files modified less than this long ago are left alone: they may still be in use. */
  olderThanMs: number;
  /** Looks into subfolders too (symbolic links are not followed). */
  recursive: boolean;
  /** Stops the walk between two entries. */
  signal?: AbortSignal;
}

/**
 * Removes the matching files last modified before the given age; returns how many. Reads the
 * folders an entry at a time, so that a folder of millions of files costs no more memory than
 * a small one. A folder (or file) that disappears meanwhile is simply skipped.
 */
export async function removeStaleFiles(sweep: StaleFileSweep): Promise<number> {
  return removeFrom(sweep.directory, sweep, Date.now() - sweep.olderThanMs);
}

async function removeFrom(
  directory: string,
  sweep: StaleFileSweep,
  cutoff: number,
): Promise<number> {
  let removed = 0;
  let entries: Dir;
  try {
    entries = await opendir(directory);
  } catch (error) {
    if (isGone(error)) return 0;
    throw error;
  }
  for await (const entry of entries) {
    if (sweep.signal?.aborted) break;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (sweep.recursive) removed += await removeFrom(path, sweep, cutoff);
    } else if (entry.isFile() && sweep.matches(entry.name)) {
      if (await removeIfOlder(path, cutoff)) removed++;
    }
  }
  return removed;
}

async function removeIfOlder(path: string, cutoff: number): Promise<boolean> {
  try {
    if ((await stat(path)).mtimeMs >= cutoff) return false;
    await rm(path);
    return true;
  } catch (error) {
    if (isGone(error)) return false;
    throw error;
  }
}

const isGone = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};
