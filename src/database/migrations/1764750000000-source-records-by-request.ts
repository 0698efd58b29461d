import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** The sources remembered from a request, found when the request is deleted, to go with it. */
export class SourceRecordsByRequest1764750000000 implements MigrationInterface {
  name = 'SourceRecordsByRequest1764750000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'source_records',
      new TableIndex({ name: 'IDX_source_records_request', columnNames: ['request_id'] }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('source_records', 'IDX_source_records_request');
  }
}
