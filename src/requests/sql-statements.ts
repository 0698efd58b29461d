import { DataSource, EntityManager, EntityTarget, QueryRunner } from 'typeorm';

/** What a statement did: the rows it returned, and how many it changed. */
export interface StatementResult<Row> {
  rows: Row[];
  affected: number;
}

/**
 * Runs a statement written with `:name` parameters on either database: TypeORM turns the names
 * into the driver's placeholders and dates into the driver's format. For the statements a
 * worker runs for every image, which a query builder would rebuild each time.
 */
export async function runStatement<Row = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  parameters: Record<string, unknown>,
): Promise<StatementResult<Row>> {
  const { driver } = manager.connection;
  const sqlite = manager.connection.options.type === 'better-sqlite3';
  const [query, escaped] = driver.escapeQueryWithParameters(
    sql,
    sqlite ? boxNumbers(parameters) : parameters,
  );
  const values = sqlite ? escaped.map(toSqliteValue) : escaped;
  const run = (runner: QueryRunner) => runner.query(query, values, true);
  const result = manager.queryRunner
    ? await run(manager.queryRunner)
    : await withRunner(manager.connection, run);
  const rows = Array.isArray(result.records) ? (result.records as Row[]) : [];
  return { rows, affected: result.affected ?? rows.length };
}

/**
 * A number to bind as a parameter. TypeORM writes numbers into SQLite statements as literals,
 * so that a statement run with another id or size is another text: better-sqlite3 prepares it
 * afresh every time, and the runner's cache of prepared statements holds nothing useful.
 */
class BoundNumber {
  constructor(readonly value: number) {}
}

function boxNumbers(parameters: Record<string, unknown>): Record<string, unknown> {
  const boxed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parameters)) {
    boxed[name] = typeof value === 'number' ? new BoundNumber(value) : value;
  }
  return boxed;
}

/**
 * better-sqlite3 binds every JavaScript number as a REAL; a whole number goes as a BigInt, so
 * that it binds as an INTEGER and compares, divides and prints as the literal it replaces.
 */
function toSqliteValue(value: unknown): unknown {
  const unboxed = value instanceof BoundNumber ? value.value : value;
  return typeof unboxed === 'number' && Number.isSafeInteger(unboxed) ? BigInt(unboxed) : unboxed;
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
