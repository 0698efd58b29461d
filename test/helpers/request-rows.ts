import { DataSource } from 'typeorm';

/** Rows of every table that belong to the request with primary key `requestPk`. */
export async function rowsOf(dataSource: DataSource, requestPk: number): Promise<number> {
  const tables = ['images', 'products', 'outbox', 'webhook_deliveries', 'idempotency_keys'];
  let rows = 0;
  for (const table of [...tables, 'image_processing_requests']) {
    const column = table === 'image_processing_requests' ? 'id' : 'request_pk';
    const [{ count }] = await dataSource.query<{ count: number | string }[]>(
      `SELECT COUNT(*) AS count FROM ${table} WHERE ${column} = ${Number(requestPk)}`,
    );
    rows += Number(count);
  }
  return rows;
}

export async function requestPkOf(dataSource: DataSource, requestId: string): Promise<number> {
  const [row] = await dataSource.query<{ id: number }[]>(
    `SELECT id FROM image_processing_requests WHERE request_id = '${requestId}'`,
  );
  return Number(row.id);
}
