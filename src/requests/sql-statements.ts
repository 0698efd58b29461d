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
  const [query, values] = manager.connection.driver.escapeQueryWithParameters(sql, parameters);
  const run = (runner: QueryRunner) => runner.query(query, values, true);
  const result = manager.queryRunner
    ? await run(manager.queryRunner)
    : await withRunner(manager.connection, run);
  const rows = Array.isArray(result.records) ? (result.records as Row[]) : [];
  return { rows, affected: result.affected ?? rows.length };
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
