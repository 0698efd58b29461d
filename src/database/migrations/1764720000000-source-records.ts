import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * What each owner's sources looked like when they were last processed, so that a later request
 * for the same URL or the same bytes reuses the stored result; and, per image and per request,
 * what was reused.
 */
export class SourceRecords1764720000000 implements MigrationInterface {
  name = 'SourceRecords1764720000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.driver.normalizeType({ type: Date });
    const flag = queryRunner.connection.driver.normalizeType({ type: Boolean });
    await queryRunner.createTable(
      new Table({
        name: 'source_records',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'owner', type: 'varchar', length: '64' },
          { name: 'url_key', type: 'varchar', length: '64' },
          { name: 'url', type: 'text' },
          { name: 'validators', type: 'text', isNullable: true },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'recipe', type: 'varchar', length: '64' },
          { name: 'request_id', type: 'varchar', length: '36' },
          { name: 'output_key', type: 'varchar', length: '512' },
          { name: 'format', type: 'varchar', length: '16' },
          { name: 'bytes_in', type: 'integer' },
          { name: 'bytes_out', type: 'integer' },
          { name: 'source_quality', type: 'integer', isNullable: true },
          { name: 'target_quality', type: 'integer', isNullable: true },
          { name: 'width', type: 'integer' },
          { name: 'height', type: 'integer' },
          { name: 'skip_reason', type: 'text', isNullable: true },
          { name: 'score', type: 'double precision', isNullable: true },
          { name: 'updated_at', type: timestamp },
        ],
        indices: [
          { name: 'IDX_source_records_url', columnNames: ['owner', 'url_key'], isUnique: true },
          { name: 'IDX_source_records_bytes', columnNames: ['owner', 'sha256', 'recipe'] },
        ],
      }),
    );
    await queryRunner.addColumns('images', [
      new TableColumn({ name: 'reuse_reason', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({
        name: 'reuse_request_id',
        type: 'varchar',
        length: '36',
        isNullable: true,
      }),
    ]);
    await queryRunner.addColumns('image_processing_requests', [
      new TableColumn({ name: 'reused_images', type: 'integer', default: 0 }),
      new TableColumn({ name: 'refresh', type: flag, default: false }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('image_processing_requests', ['reused_images', 'refresh']);
    await queryRunner.dropColumns('images', ['reuse_reason', 'reuse_request_id']);
    await queryRunner.dropTable('source_records');
  }
}
