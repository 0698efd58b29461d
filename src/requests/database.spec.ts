import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep, setImmediate as yieldToEventLoop } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { Database, ReentrantMutex } from './database';

describe('Database on SQLite', () => {
  let directory: string;
  let dataSource: DataSource;
  let database: Database;

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'database-'));
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: join(directory, 'test.sqlite'),
      enableWAL: true,
    });
    await dataSource.initialize();
    database = new Database(dataSource);
    await dataSource.query('CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
    await dataSource.query('INSERT INTO counter (id, n) VALUES (1, 0)');
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  const increment = (runner: { query(sql: string): Promise<unknown> }) =>
    runner.query('UPDATE counter SET n = n + 1 WHERE id = 1');

  it('keeps overlapping transactions and lone statements apart, rollbacks included', async () => {
    const failures: unknown[] = [];
    let expected = 0;
    await Promise.all(
      Array.from({ length: 300 }, async (_, index) => {
        try {
          if (index % 3 === 0) {
            expected += 1;
            await database.run(increment);
            return;
          }
          const rollsBack = index % 7 === 0;
          if (!rollsBack) expected += 2;
          await database.transaction(async (manager) => {
            await increment(manager);
            // Give every other caller the chance to slip a statement into this transaction.
            await yieldToEventLoop();
            await increment(manager);
            if (rollsBack) throw new Error('rolled back');
          });
        } catch (error) {
          if (!(error instanceof Error && error.message === 'rolled back')) failures.push(error);
        }
      }),
    );

    expect(failures).toEqual([]);
    const [{ n }] = await dataSource.query<{ n: number }[]>('SELECT n FROM counter');
    expect(n).toBe(expected);
  });

  it('lets a transaction nest another one inside itself', async () => {
    await database.transaction(async (outer) => {
      await increment(outer);
      await outer.transaction(async (inner) => increment(inner));
    });

    const [{ n }] = await dataSource.query<{ n: number }[]>('SELECT n FROM counter');
    expect(n).toBe(2);
  });
  it('lets the event loop run while background work waits for another process to write', async () => {
    // Another process's connection, in the middle of a write.
    const other = new BetterSqlite3(join(directory, 'test.sqlite'));
    const events: string[] = [];
    try {
      other.exec('BEGIN IMMEDIATE');
      const done = database
        .backgroundStatement('UPDATE counter SET n = n + 1 WHERE id = 1', {})
        .then(() => events.push('statement ran'));
      await sleep(50);
      events.push('the event loop ran');
      other.exec('COMMIT');
      await done;
    } finally {
      other.close();
    }
    expect(events).toEqual(['the event loop ran', 'statement ran']);
    const [{ n }] = await dataSource.query<{ n: number }[]>('SELECT n FROM counter');
    expect(n).toBe(1);
  });
});

describe('ReentrantMutex', () => {
  it('runs holders one at a time, in arrival order', async () => {
    const mutex = new ReentrantMutex();
    const events: string[] = [];
    const hold = (name: string) =>
      mutex.run(async () => {
        events.push(`${name} in`);
        await yieldToEventLoop();
        events.push(`${name} out`);
      });

    await Promise.all([hold('a'), hold('b'), hold('c')]);

    expect(events).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  it('lets the holder enter again, and frees the lock when the holder fails', async () => {
    const mutex = new ReentrantMutex();

    await expect(
      mutex.run(() => mutex.run(() => Promise.reject(new Error('inner failure')))),
    ).rejects.toThrow('inner failure');
    await expect(mutex.run(() => Promise.resolve('free again'))).resolves.toBe('free again');
  });
});
