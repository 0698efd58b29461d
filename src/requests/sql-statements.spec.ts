import { DataSource } from 'typeorm';
import { runStatement, sqliteQuery } from './sql-statements';

describe('statements on SQLite', () => {
  let dataSource: DataSource;

  beforeEach(async () => {
    dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE items (id INTEGER PRIMARY KEY, at DATETIME, ok BOOLEAN)');
  });

  afterEach(() => dataSource.destroy());

  it('binds numbers instead of writing them into the statement, so its text stays the same', () => {
    const sql = 'SELECT * FROM items WHERE id > :after AND id <= :last LIMIT :limit';
    const [first, firstValues] = sqliteQuery(sql, { after: 5, last: 105, limit: 100 });
    const [second] = sqliteQuery(sql, { after: 2_000_000, last: 2_000_100, limit: 100 });

    expect(first).toBe('SELECT * FROM items WHERE id > ? AND id <= ? LIMIT ?');
    expect(second).toBe(first);
    expect(firstValues).toEqual([5n, 105n, 100n]);
  });

  it('reads bound integers as integers and fractions as reals, as literals would be', async () => {
    const { rows } = await runStatement<Record<string, unknown>>(
      dataSource.manager,
      'SELECT typeof(:whole) AS whole, :seven / :two AS quotient, typeof(:score) AS score',
      { whole: 42, seven: 7, two: 2, score: 0.97 },
    );

    expect(rows).toEqual([{ whole: 'integer', quotient: 3, score: 'real' }]);
  });

  it('expands lists, and stores dates and booleans as TypeORM does', async () => {
    const at = new Date('2025-11-25T10:00:00.000Z');
    await runStatement(
      dataSource.manager,
      'INSERT INTO items (id, at, ok) VALUES (:id, :at, :ok)',
      {
        id: 1,
        at,
        ok: true,
      },
    );
    await dataSource.query('INSERT INTO items (id) VALUES (2), (3)');

    const { rows } = await runStatement<{ id: number; at: string | null; ok: number | null }>(
      dataSource.manager,
      'SELECT id, at, ok FROM items WHERE id IN (:...ids) ORDER BY id',
      { ids: [1, 3] },
    );

    expect(rows).toEqual([
      { id: 1, at: '2025-11-25 10:00:00.000', ok: 1 },
      { id: 3, at: null, ok: null },
    ]);
  });
});
