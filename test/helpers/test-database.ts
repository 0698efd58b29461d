import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { testRunId } from './test-run';

/**
 * E2e tests run on a temporary SQLite file by default. With `TEST_DATABASE=postgres` each test
 * file gets a fresh PostgreSQL database instead, created through the server named by
 * `TEST_POSTGRES_URL` (a database the tests may connect to, used only to create and drop
 * the temporary ones).
 */
export const usesPostgres = (): boolean => process.env.TEST_DATABASE === 'postgres';

const adminUrl = (): string =>
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function withAdminConnection<T>(run: (admin: DataSource) => Promise<T>): Promise<T> {
  const admin = new DataSource({ type: 'postgres', url: adminUrl(), poolSize: 1 });
  await admin.initialize();
  try {
    return await run(admin);
  } finally {
    await admin.destroy();
  }
}

/** Creates an empty database and returns its URL; the app's migrations build the schema. */
export async function createPostgresDatabase(): Promise<string> {
  const name = `${runDatabasePrefix(testRunId())}${randomBytes(6).toString('hex')}`;
  await withAdminConnection((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by `createPostgresDatabase`, even if a stray connection is open. */
export async function dropPostgresDatabase(databaseUrl: string): Promise<void> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (!/^ibc_test_[0-9a-f]+_[0-9a-f]+$/.test(name)) throw new Error(`Not a test database: ${name}`);
  await withAdminConnection((admin) => dropDatabase(admin, name));
}

const runDatabasePrefix = (runId: string): string => `ibc_test_${runId}_`;

const dropDatabase = (admin: DataSource, name: string): Promise<unknown> =>
  admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);

/** Drops every database of a run that its tests left; answers how many there were. */
export async function dropRunDatabases(runId: string): Promise<number> {
  return withAdminConnection(async (admin) => {
    const rows = await admin.query<{ datname: string }[]>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [runDatabasePrefix(runId)],
    );
    for (const { datname } of rows) await dropDatabase(admin, datname);
    return rows.length;
  });
}

/** Rows in a table, as a number on both databases (PostgreSQL returns COUNT(*) as a string). */
export async function countRows(dataSource: DataSource, table: string): Promise<number> {
  const [{ count }] = await dataSource.query<{ count: number | string }[]>(
    `SELECT COUNT(*) AS count FROM ${table}`,
  );
  return Number(count);
}
