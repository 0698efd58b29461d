import { EntityManager } from 'typeorm';

/**
 * One multi-row INSERT in plain SQL. For uploads of 100,000 rows TypeORM's entity insert
 * spends far more time and memory on metadata than the database spends on the rows.
 */
export async function insertRows<Returned extends object = object>(
  manager: EntityManager,
  table: string,
  columns: string[],
  rows: unknown[][],
  returning: string[] = [],
): Promise<Returned[]> {
  if (rows.length === 0) return [];
  const postgres = manager.connection.options.type === 'postgres';
  let parameter = 0;
  const placeholder = () => (postgres ? `$${++parameter}` : '?');
  const values = rows.map((row) => `(${row.map(() => placeholder()).join(', ')})`).join(', ');
  const suffix = returning.length > 0 ? ` RETURNING ${returning.join(', ')}` : '';
  const result: unknown = await manager.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}${suffix}`,
    rows.flat(),
  );
  return returning.length > 0 ? (result as Returned[]) : [];
}
