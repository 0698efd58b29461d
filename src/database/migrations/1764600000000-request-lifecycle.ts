import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * A request can be cancelled, retried and deleted. Requests record when they were cancelled or
 * deleted, how many images a cancellation left unprocessed and how many times they were retried.
 * Indexes let the background sweep find deleted and expired requests, and the idempotency keys
 * of a request, without reading whole tables.
 */
export class RequestLifecycle1764600000000 implements MigrationInterface {
  name = 'RequestLifecycle1764600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.driver.normalizeType({ type: Date });
    await queryRunner.addColumns('image_processing_requests', [
      new TableColumn({ name: 'cancelled_images', type: 'integer', default: 0 }),
      new TableColumn({ name: 'retries', type: 'integer', default: 0 }),
      new TableColumn({ name: 'cancelled_at', type: timestamp, isNullable: true }),
      new TableColumn({ name: 'deleted_at', type: timestamp, isNullable: true }),
    ]);
    await queryRunner.createIndices('image_processing_requests', [
      new TableIndex({
        name: 'IDX_requests_deleted',
        columnNames: ['id'],
        where: 'deleted_at IS NOT NULL',
      }),
      new TableIndex({ name: 'IDX_requests_finished', columnNames: ['completed_at'] }),
    ]);
    await queryRunner.createIndex(
      'idempotency_keys',
      new TableIndex({ name: 'IDX_idempotency_keys_request', columnNames: ['request_id'] }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('idempotency_keys', 'IDX_idempotency_keys_request');
    await queryRunner.dropIndex('image_processing_requests', 'IDX_requests_finished');
    await queryRunner.dropIndex('image_processing_requests', 'IDX_requests_deleted');
    for (const column of ['deleted_at', 'cancelled_at', 'retries', 'cancelled_images']) {
      await queryRunner.dropColumn('image_processing_requests', column);
    }
  }
}
