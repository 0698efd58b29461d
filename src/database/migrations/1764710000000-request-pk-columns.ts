import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose `request_id` column holds the request row's integer key, not its UUID. */
const TABLES = ['products', 'images', 'webhook_deliveries', 'outbox', 'idempotency_keys'];

/**
 * Names the integer keys of the request row `request_pk`, so that `request_id` always means the
 * public UUID. A plain column rename on both databases: SQLite (3.25 and later) and PostgreSQL
 * carry the indexes and foreign keys over to the new name, without copying any row.
 */
export class RequestPkColumns1764710000000 implements MigrationInterface {
  name = 'RequestPkColumns1764710000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" RENAME COLUMN "request_id" TO "request_pk"`);
    }
    await forgetCachedTables(queryRunner);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" RENAME COLUMN "request_pk" TO "request_id"`);
    }
    await forgetCachedTables(queryRunner);
  }
}

/**
 * The query runner keeps the tables it has read; a later migration of the same run that alters
 * one through it (on SQLite, by copying the table) would otherwise copy the old column name.
 */
async function forgetCachedTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.getTables(TABLES);
}
