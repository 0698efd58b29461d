import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** The `Idempotency-Key`s of uploads, per API key owner, until they expire. */
export class IdempotencyKeys1764500000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.driver.normalizeType({ type: Date });
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { name: 'owner', type: 'varchar', length: '64', isPrimary: true },
          { name: 'idempotency_key', type: 'varchar', length: '255', isPrimary: true },
          { name: 'fingerprint', type: 'varchar', length: '64', isNullable: true },
          { name: 'request_id', type: 'integer', isNullable: true },
          { name: 'holder', type: 'varchar', length: '36', isNullable: true },
          { name: 'held_until', type: timestamp, isNullable: true },
          { name: 'expires_at', type: timestamp },
          { name: 'created_at', type: timestamp },
        ],
        indices: [{ name: 'IDX_idempotency_keys_expiry', columnNames: ['expires_at'] }],
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
    await queryRunner.dropTable('idempotency_keys');
  }
}
