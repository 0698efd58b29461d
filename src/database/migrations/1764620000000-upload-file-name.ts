import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** The uploaded file's name, as the request list shows it, and the delimiter its cells used. */
export class UploadFileName1764620000000 implements MigrationInterface {
  name = 'UploadFileName1764620000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('image_processing_requests', [
      new TableColumn({ name: 'file_name', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'csv_delimiter', type: 'varchar', length: '1', default: "','" }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('image_processing_requests', ['file_name', 'csv_delimiter']);
  }
}
