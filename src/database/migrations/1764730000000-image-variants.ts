import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * Modern-format variants: the formats each request asked for, a row per image and format with
 * its outcome, and per request how many variants are owed, done and kept, moved with its
 * other counters so that a request is finished only once every variant of it is.
 */
export class ImageVariants1764730000000 implements MigrationInterface {
  name = 'ImageVariants1764730000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.driver.normalizeType({ type: Date });
    await queryRunner.addColumns('image_processing_requests', [
      new TableColumn({ name: 'variants', type: 'varchar', length: '16', default: "''" }),
      new TableColumn({ name: 'total_variants', type: 'integer', default: 0 }),
      new TableColumn({ name: 'processed_variants', type: 'integer', default: 0 }),
      new TableColumn({ name: 'kept_variants', type: 'integer', default: 0 }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'image_variants',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'image_id', type: 'integer' },
          { name: 'request_pk', type: 'integer' },
          { name: 'format', type: 'varchar', length: '8' },
          { name: 'status', type: 'varchar', length: '16', default: "'Pending'" },
          { name: 'target_score', type: 'double precision', isNullable: true },
          { name: 'output_key', type: 'varchar', length: '512', isNullable: true },
          { name: 'bytes', type: 'integer', isNullable: true },
          { name: 'quality', type: 'integer', isNullable: true },
          { name: 'score', type: 'double precision', isNullable: true },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'processed_at', type: timestamp, isNullable: true },
        ],
        indices: [
          { name: 'IDX_image_variants_image', columnNames: ['image_id', 'format'], isUnique: true },
          { name: 'IDX_image_variants_request', columnNames: ['request_pk', 'status'] },
        ],
        foreignKeys: [
          {
            columnNames: ['image_id'],
            referencedTableName: 'images',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['request_pk'],
            referencedTableName: 'image_processing_requests',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('image_variants');
    await queryRunner.dropColumns('image_processing_requests', [
      'variants',
      'total_variants',
      'processed_variants',
      'kept_variants',
    ]);
  }
}
