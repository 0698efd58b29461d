import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** A key's recent requests, newest first, without reading every other key's. */
export class RequestsByOwner1764400000000 implements MigrationInterface {
  name = 'RequestsByOwner1764400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'image_processing_requests',
      new TableIndex({ name: 'IDX_requests_owner_recent', columnNames: ['owner', 'id'] }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('image_processing_requests', 'IDX_requests_owner_recent');
  }
}
