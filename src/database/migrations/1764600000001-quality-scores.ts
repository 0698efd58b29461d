import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Each image's quality score, and per request the sum, count and minimum of its images' scores,
 * moved with its other counters so that a summary reads its mean and minimum from its row.
 */
export class QualityScores1764600000001 implements MigrationInterface {
  name = 'QualityScores1764600000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'images',
      new TableColumn({ name: 'score', type: 'double precision', isNullable: true }),
    );
    await queryRunner.addColumns('image_processing_requests', [
      new TableColumn({ name: 'scored_images', type: 'integer', default: 0 }),
      new TableColumn({ name: 'score_sum', type: 'double precision', default: 0 }),
      new TableColumn({ name: 'min_score', type: 'double precision', isNullable: true }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('image_processing_requests', [
      'scored_images',
      'score_sum',
      'min_score',
    ]);
    await queryRunner.dropColumn('images', 'score');
  }
}
