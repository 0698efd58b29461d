import { DataSource, EntityManager, EntityTarget, QueryRunner } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';

/** What a statement did: the rows it returned, and how many it changed. */
export interface StatementResult<Row> {
  rows: Row[];
  affected: number;
}

/**
 * Runs a statement written with `:name` parameters on either database: the names become the
 * driver's placeholders and dates the driver's format. For the statements a worker runs for
 * every image and a status page runs for every answer, which a query builder would rebuild
 * each time.
 */
export async function runStatement<Row = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  parameters: Record<string, unknown>,
): Promise<StatementResult<Row>> {
  const [query, values] =
    manager.connection.options.type === 'better-sqlite3'
      ? sqliteQuery(sql, parameters)
      : manager.connection.driver.escapeQueryWithParameters(sql, parameters);
  const run = (runner: QueryRunner) => runner.query(query, values, true);
  const result = manager.queryRunner
    ? await run(manager.queryRunner)
    : await withRunner(manager.connection, run);
  const rows = Array.isArray(result.records) ? (result.records as Row[]) : [];
  return { rows, affected: result.affected ?? rows.length };
}

const NAMED_PARAMETER = /:(\.\.\.)?([A-Za-z0-9_.]+)/g;

/**
 * The statement with a `?` for every parameter, and their values. TypeORM's SQLite driver writes
 * numbers into the text instead, so that a statement run for another id or page is a new one:
 * prepared again each time (a status page's join costs more to prepare than to run) and pushing
 * every other statement out of the connection's cache of prepared ones. Here numbers are bound
 * like any value, integers as SQLite integers, exactly as the literal would have been read.
 */
export function sqliteQuery(sql: string, parameters: Record<string, unknown>): [string, unknown[]] {
  const values: unknown[] = [];
  const bind = (value: unknown): string => {
    values.push(sqliteValue(value));
    return '?';
  };
  const query = sql.replace(NAMED_PARAMETER, (whole: string, spread: unknown, key: string) => {
    if (!Object.hasOwn(parameters, key)) return whole;
    const value = parameters[key];
    return spread ? (value as unknown[]).map(bind).join(', ') : bind(value);
  });
  return [query, values];
}

function sqliteValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return DateUtils.mixedDateToUtcDatetimeString(value);
  return value;
}

async function withRunner<T>(
  dataSource: DataSource,
  run: (runner: QueryRunner) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    return await run(runner);
  } finally {
    await runner.release();
  }
}

/**
 * An entity from a row of its table read with `SELECT *`, each column converted as TypeORM
 * converts it (dates, numbers, JSON), without the query builder's per-call planning.
 */
export function entityFromRow<Entity extends object>(
  manager: EntityManager,
  target: EntityTarget<Entity>,
  row: Record<string, unknown>,
): Entity {
  const { driver } = manager.connection;
  const metadata = manager.connection.getMetadata(target);
  const entity = metadata.create() as Entity;
  for (const column of metadata.columns) {
    column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
  }
  return entity;
}
