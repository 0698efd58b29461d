import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DataSource, QueryFailedError } from 'typeorm';
import { runStatement } from './sql-statements';

describe('runStatement on SQLite', () => {
  let directory: string;
  let dataSource: DataSource;

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'sql-statements-'));
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: join(directory, 'test.sqlite'),
    });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE item (id INTEGER PRIMARY KEY, size INTEGER, score REAL)');
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await dataSource.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  it('prepares a statement once, whatever numbers it is run with', async () => {
    const prepare = jest.spyOn(BetterSqlite3.prototype, 'prepare');
    for (let id = 1; id <= 50; id++) {
      await runStatement(
        dataSource.manager,
        'INSERT INTO item (id, size, score) VALUES (:id, :size, :score)',
        { id, size: id * 1000, score: id / 7 },
      );
    }
    const inserts = prepare.mock.calls.filter(([sql]) => sql.startsWith('INSERT INTO item'));
    expect(inserts).toHaveLength(1);
    const { rows } = await runStatement<{ items: number }>(
      dataSource.manager,
      'SELECT COUNT(*) AS items FROM item WHERE id IN (:...ids) AND size > :size',
      { ids: [3, 4, 5], size: 3500 },
    );
    expect(rows).toEqual([{ items: 2 }]);
  });

  it('binds whole numbers as integers and fractions as reals, as the literals would be', async () => {
    const { rows } = await runStatement(
      dataSource.manager,
      'SELECT typeof(:whole) AS whole, :whole / 2 AS half, typeof(:fraction) AS fraction, ' +
        "'#' || :whole AS text",
      { whole: 7, fraction: 0.25 },
    );
    expect(rows).toEqual([{ whole: 'integer', half: 3, fraction: 'real', text: '#7' }]);
  });

  it('expands lists, and stores dates and booleans as TypeORM does', async () => {
    await dataSource.query(
      'CREATE TABLE stamped (id INTEGER PRIMARY KEY, at DATETIME, ok BOOLEAN)',
    );
    const at = new Date('2025-11-25T10:00:00.000Z');
    await runStatement(
      dataSource.manager,
      'INSERT INTO stamped (id, at, ok) VALUES (:id, :at, :ok)',
      {
        id: 1,
        at,
        ok: true,
      },
    );
    await dataSource.query('INSERT INTO stamped (id) VALUES (2), (3)');

    const { rows } = await runStatement<{ id: number; at: string | null; ok: number | null }>(
      dataSource.manager,
      'SELECT id, at, ok FROM stamped WHERE id IN (:...ids) ORDER BY id',
      { ids: [1, 3] },
    );

    expect(rows).toEqual([
      { id: 1, at: '2025-11-25 10:00:00.000', ok: 1 },
      { id: 3, at: null, ok: null },
    ]);
  });

  it('reads and writes inside a transaction as the transaction sees them', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await runStatement(manager, 'INSERT INTO item (id, size) VALUES (:id, :size)', {
          id: 1,
          size: 10,
        });
        const { rows } = await runStatement(manager, 'SELECT id, size FROM item', {});
        expect(rows).toEqual([{ id: 1, size: 10 }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const { rows, affected } = await runStatement(dataSource.manager, 'SELECT id FROM item', {});
    expect(rows).toEqual([]);
    expect(affected).toBe(0);
  });

  it('counts the rows a write changed, and names every column of a wide row', async () => {
    await dataSource.query('INSERT INTO item (id, size) VALUES (1, 1), (2, 2), (3, 3)');
    const { affected } = await runStatement(
      dataSource.manager,
      'UPDATE item SET score = :score WHERE size >= :size',
      { score: 0.5, size: 2 },
    );
    expect(affected).toBe(2);
    const columns = Array.from({ length: 30 }, (_, index) => `size + ${index} AS c${index}`);
    const { rows } = await runStatement<Record<string, number>>(
      dataSource.manager,
      `SELECT ${columns.join(', ')} FROM item WHERE id = :id`,
      { id: 3 },
    );
    expect(rows).toEqual([Object.fromEntries(columns.map((_, index) => [`c${index}`, 3 + index]))]);
  });

  it('names the columns of a kept statement anew when the table gains one', async () => {
    await dataSource.query('INSERT INTO item (id, size) VALUES (1, 7)');
    const readAll = () =>
      runStatement(dataSource.manager, 'SELECT * FROM item WHERE id = :id', { id: 1 });
    expect((await readAll()).rows).toEqual([{ id: 1, size: 7, score: null }]);
    await dataSource.query("ALTER TABLE item ADD COLUMN label TEXT DEFAULT 'new'");
    expect((await readAll()).rows).toEqual([{ id: 1, size: 7, score: null, label: 'new' }]);
  });

  it('binds booleans in a list as 0 and 1', async () => {
    await dataSource.query('INSERT INTO item (id, size) VALUES (1, 0), (2, 1), (3, 2)');
    const { rows } = await runStatement(
      dataSource.manager,
      'SELECT id FROM item WHERE size IN (:...flags) ORDER BY id',
      { flags: [true, false] },
    );
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("fails as TypeORM fails, with the driver's error", async () => {
    const failure = runStatement(dataSource.manager, 'INSERT INTO item (id) VALUES (:id)', {
      id: 1,
    }).then(() =>
      runStatement(dataSource.manager, 'INSERT INTO item (id) VALUES (:id)', { id: 1 }),
    );
    await expect(failure).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failure).rejects.toMatchObject({
      driverError: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' },
    });
  });
});
