import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * The database becomes the one record of the work to do; the queues only hold a window of it.
 *
 * - Images get their place in the output (`ordinal`, 1..N within the request), which status
 *   pages and the dispatcher read by index, a hash of their URL for finding repeats, the
 *   attempts made so far, and the image they reuse the result of.
 * - Images store their storage key only; URLs are built when read, so that a new base URL
 *   applies to old requests too. The output CSV moves from a column to the image storage.
 * - Requests record how far their images have been queued, and the state of their webhook.
 * - The outbox holds the side effects a transaction owes (finalise a request, deliver a
 *   webhook), until a relay has queued them and their job has done them.
 */
export class DatabaseOwnedWork1764200000000 implements MigrationInterface {
  name = 'DatabaseOwnedWork1764200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.driver.normalizeType({ type: Date });

    await queryRunner.addColumns('images', [
      new TableColumn({ name: 'ordinal', type: 'integer', default: 0 }),
      new TableColumn({ name: 'url_hash', type: 'integer', default: 0 }),
      new TableColumn({ name: 'attempts', type: 'integer', default: 0 }),
      new TableColumn({ name: 'reused_from', type: 'integer', isNullable: true }),
    ]);
    // Images were inserted in output order, so their ids give each request's ordinals.
    await queryRunner.query(
      `UPDATE images SET ordinal = ranked.ordinal
         FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY request_id ORDER BY id) AS ordinal
                 FROM images) AS ranked
        WHERE ranked.id = images.id`,
    );
    await queryRunner.renameColumn('images', 'output_path', 'output_key');
    await queryRunner.dropColumn('images', 'output_url');
    await queryRunner.dropIndex(
      'images',
      this.indexName(queryRunner, 'images', ['request_id', 'id']),
    );
    await queryRunner.createIndices('images', [
      new TableIndex({ columnNames: ['request_id', 'ordinal'], isUnique: true }),
      new TableIndex({ columnNames: ['request_id', 'url_hash'] }),
      new TableIndex({
        name: 'IDX_images_pending',
        columnNames: ['request_id', 'ordinal'],
        where: `status = 'Pending'`,
      }),
    ]);

    await queryRunner.dropColumn('image_processing_requests', 'output_csv');
    await queryRunner.addColumns('image_processing_requests', [
      new TableColumn({ name: 'dispatched_through', type: 'integer', default: 0 }),
      new TableColumn({ name: 'webhook_status', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'webhook_attempts', type: 'integer', default: 0 }),
      new TableColumn({ name: 'webhook_last_error', type: 'text', isNullable: true }),
      new TableColumn({ name: 'webhook_next_attempt_at', type: timestamp, isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'image_processing_requests',
      new TableIndex({
        name: 'IDX_requests_open',
        columnNames: ['id'],
        where: 'completed_at IS NULL',
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'outbox',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'request_id', type: 'integer' },
          { name: 'attempt', type: 'integer', default: 1 },
          { name: 'due_at', type: timestamp },
          { name: 'enqueued_at', type: timestamp, isNullable: true },
        ],
        indices: [
          { columnNames: ['request_id', 'kind'], isUnique: true },
          { columnNames: ['due_at'] },
        ],
        foreignKeys: [
          {
            columnNames: ['request_id'],
            referencedTableName: 'image_processing_requests',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('outbox');
    await queryRunner.dropIndex('image_processing_requests', 'IDX_requests_open');
    for (const column of [
      'webhook_next_attempt_at',
      'webhook_last_error',
      'webhook_attempts',
      'webhook_status',
      'dispatched_through',
    ]) {
      await queryRunner.dropColumn('image_processing_requests', column);
    }
    await queryRunner.addColumn(
      'image_processing_requests',
      new TableColumn({ name: 'output_csv', type: 'text', isNullable: true }),
    );
    await queryRunner.dropIndex('images', 'IDX_images_pending');
    await queryRunner.dropIndex(
      'images',
      this.indexName(queryRunner, 'images', ['request_id', 'url_hash']),
    );
    await queryRunner.dropIndex(
      'images',
      this.indexName(queryRunner, 'images', ['request_id', 'ordinal']),
    );
    await queryRunner.createIndex('images', new TableIndex({ columnNames: ['request_id', 'id'] }));
    await queryRunner.addColumn(
      'images',
      new TableColumn({ name: 'output_url', type: 'text', isNullable: true }),
    );
    await queryRunner.renameColumn('images', 'output_key', 'output_path');
    for (const column of ['reused_from', 'attempts', 'url_hash', 'ordinal']) {
      await queryRunner.dropColumn('images', column);
    }
  }

  /** TypeORM names an index from its table and columns, the same way on both databases. */
  private indexName(queryRunner: QueryRunner, table: string, columns: string[]): string {
    return queryRunner.connection.namingStrategy.indexName(table, columns);
  }
}
