import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * A request is unconfirmed from its upload's commit until its `202` has been handed to the
 * socket: the dispatcher leaves it alone meanwhile, and the sweep finds those never confirmed
 * by their own index.
 */
export class UnconfirmedUploads1764700000000 implements MigrationInterface {
  name = 'UnconfirmedUploads1764700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.driver.normalizeType({ type: Date });
    await queryRunner.addColumn(
      'image_processing_requests',
      new TableColumn({ name: 'unconfirmed_since', type: timestamp, isNullable: true }),
    );
    await queryRunner.createIndex(
      'image_processing_requests',
      new TableIndex({
        name: 'IDX_requests_unconfirmed',
        columnNames: ['unconfirmed_since'],
        where: 'unconfirmed_since IS NOT NULL',
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('image_processing_requests', 'IDX_requests_unconfirmed');
    await queryRunner.dropColumn('image_processing_requests', 'unconfirmed_since');
  }
}
