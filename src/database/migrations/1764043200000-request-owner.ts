import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Which API key uploaded a request (a hash prefix, never the key). */
export class RequestOwner1764043200000 implements MigrationInterface {
  name = 'RequestOwner1764043200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'image_processing_requests',
      new TableColumn({ name: 'owner', type: 'varchar', length: '64', isNullable: true }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('image_processing_requests', 'owner');
  }
}
