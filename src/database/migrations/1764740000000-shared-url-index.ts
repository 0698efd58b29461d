import { MigrationInterface, QueryRunner } from 'typeorm';

const SAME_URL_INDEX = 'IDX_images_same_url';

/**
 * Indexes an image by its URL's hash only when another image of its request has the same URL.
 * An entry for every image landed at a random place of the index, which made this one index
 * cost more than all the rest of storing a large upload; the images of a request are marked
 * once they are all stored, and most of them share their URL with none.
 */
export class SharedUrlIndex1764740000000 implements MigrationInterface {
  name = 'SharedUrlIndex1764740000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "images" ADD COLUMN "shares_url" boolean NOT NULL DEFAULT false',
    );
    await queryRunner.query(
      `UPDATE "images" SET "shares_url" = TRUE
        WHERE ("request_pk", "url_hash") IN (
          SELECT "request_pk", "url_hash" FROM "images"
           GROUP BY "request_pk", "url_hash" HAVING COUNT(*) > 1)`,
    );
    await queryRunner.query(
      `CREATE INDEX "${SAME_URL_INDEX}" ON "images" ("request_pk", "url_hash") WHERE "shares_url"`,
    );
    await queryRunner.query(`DROP INDEX "${hashIndexName(queryRunner)}"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "${hashIndexName(queryRunner)}" ON "images" ("request_pk", "url_hash")`,
    );
    await queryRunner.query(`DROP INDEX "${SAME_URL_INDEX}"`);
    await queryRunner.query('ALTER TABLE "images" DROP COLUMN "shares_url"');
  }
}

/** The index on every image's URL hash, named when its key column was still `request_id`. */
function hashIndexName(queryRunner: QueryRunner): string {
  return queryRunner.connection.namingStrategy.indexName('images', ['request_id', 'url_hash']);
}
