import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';

/**
 * Written with TypeORM's schema builder rather than raw SQL so that one migration
 * serves both SQLite and PostgreSQL.
 */
export class InitialSchema1764038400000 implements MigrationInterface {
  name = 'InitialSchema1764038400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const timestamp = driver.normalizeType({ type: Date });
    const now = driver.mappedDataTypes.createDateDefault;
    const id: TableColumnOptions = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    };
    const createdAt: TableColumnOptions = { name: 'created_at', type: timestamp, default: now };
    const optionalInteger = (name: string): TableColumnOptions => ({
      name,
      type: 'integer',
      isNullable: true,
    });
    const requestReference = {
      columnNames: ['request_id'],
      referencedTableName: 'image_processing_requests',
      referencedColumnNames: ['id'],
      onDelete: 'CASCADE',
    };

    await queryRunner.createTable(
      new Table({
        name: 'image_processing_requests',
        columns: [
          id,
          { name: 'request_id', type: 'varchar', length: '36' },
          { name: 'status', type: 'varchar', length: '16', default: "'Pending'" },
          { name: 'output_csv', type: 'text', isNullable: true },
          { name: 'webhook_url', type: 'varchar', length: '2048', isNullable: true },
          { name: 'total_images', type: 'integer', default: 0 },
          { name: 'processed_images', type: 'integer', default: 0 },
          { name: 'failed_images', type: 'integer', default: 0 },
          createdAt,
          { name: 'updated_at', type: timestamp, default: now },
          { name: 'completed_at', type: timestamp, isNullable: true },
        ],
        indices: [{ columnNames: ['request_id'], isUnique: true }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'products',
        columns: [
          id,
          { name: 'request_id', type: 'integer' },
          { name: 'row_number', type: 'integer' },
          { name: 'line_number', type: 'integer' },
          { name: 'serial_number', type: 'varchar', length: '255' },
          { name: 'product_name', type: 'text' },
          { name: 'input_image_urls', type: 'text' },
        ],
        indices: [{ columnNames: ['request_id', 'row_number'], isUnique: true }],
        foreignKeys: [requestReference],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'images',
        columns: [
          id,
          { name: 'product_id', type: 'integer' },
          { name: 'request_id', type: 'integer' },
          { name: 'position', type: 'integer' },
          { name: 'input_url', type: 'text' },
          { name: 'status', type: 'varchar', length: '16', default: "'Pending'" },
          { name: 'output_path', type: 'varchar', length: '512', isNullable: true },
          { name: 'output_url', type: 'text', isNullable: true },
          optionalInteger('bytes_in'),
          optionalInteger('bytes_out'),
          { name: 'format', type: 'varchar', length: '16', isNullable: true },
          optionalInteger('source_quality'),
          optionalInteger('target_quality'),
          optionalInteger('width'),
          optionalInteger('height'),
          { name: 'skip_reason', type: 'text', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'processed_at', type: timestamp, isNullable: true },
        ],
        indices: [
          { columnNames: ['product_id', 'position'], isUnique: true },
          { columnNames: ['request_id', 'id'] },
        ],
        foreignKeys: [
          {
            columnNames: ['product_id'],
            referencedTableName: 'products',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          requestReference,
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          id,
          { name: 'request_id', type: 'integer' },
          { name: 'webhook_id', type: 'varchar', length: '64' },
          { name: 'attempt', type: 'integer' },
          { name: 'url', type: 'varchar', length: '2048' },
          optionalInteger('status_code'),
          { name: 'error', type: 'text', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'duration_ms', type: 'integer' },
          createdAt,
        ],
        indices: [{ columnNames: ['request_id', 'attempt'] }],
        foreignKeys: [requestReference],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_deliveries');
    await queryRunner.dropTable('images');
    await queryRunner.dropTable('products');
    await queryRunner.dropTable('image_processing_requests');
  }
}
