import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageConfig } from '../config/config';
import { LocalDiskStorage } from './local-disk.storage';

describe('LocalDiskStorage.copy', () => {
  let directory: string;
  let storage: LocalDiskStorage;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'local-disk-'));
    storage = new LocalDiskStorage({ directory } as StorageConfig, { minFreeDiskBytes: 0 });
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('links the stored object under the new key, which outlives the old one', async () => {
    await storage.save('a/1.jpg', Buffer.from('first'));

    expect(await storage.copy('a/1.jpg', 'b/1.jpg')).toBe(true);
    await storage.remove('a/1.jpg');

    expect(readFileSync(join(directory, 'b/1.jpg'), 'utf8')).toBe('first');
    expect(statSync(join(directory, 'b/1.jpg')).nlink).toBe(1);
  });

  it('replaces what a key held when copied to again, leaving no temporary file', async () => {
    await storage.save('a/1.jpg', Buffer.from('first'));
    await storage.save('a/2.jpg', Buffer.from('second'));
    await storage.copy('a/1.jpg', 'b/1.jpg');

    expect(await storage.copy('a/2.jpg', 'b/1.jpg')).toBe(true);

    expect(readFileSync(join(directory, 'b/1.jpg'), 'utf8')).toBe('second');
    expect(readdirSync(join(directory, 'b'))).toEqual(['1.jpg']);
  });

  it('answers false when the object to copy is gone', async () => {
    expect(await storage.copy('a/missing.jpg', 'b/1.jpg')).toBe(false);
    expect(readdirSync(join(directory, 'b'))).toEqual([]);
  });
});
