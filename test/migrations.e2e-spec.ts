import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/config';
import { buildDataSourceOptions, migrations } from '../src/database/data-source-options';
import { getStatus, waitUntilFinished } from './helpers/batch-client';
import { removeTestData, startTestApp, testEnvironment } from './helpers/test-app';

const REQUEST_ID = '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a';

/**
 * A database written by version 0.1 (before the work moved into the database) is upgraded by
 * the migrations at start-up, with nothing lost: finished requests keep their results and
 * output CSV, and an unfinished one is queued and finished.
 */
describe('Upgrading a 0.1 database', () => {
  it('keeps finished requests readable and finishes the unfinished ones', async () => {
    const env = await testEnvironment({ IMAGE_JOB_ATTEMPTS: '1' });
    const legacy = new DataSource({
      ...buildDataSourceOptions(loadConfig(env).database),
      migrations: migrations.slice(0, 2),
      migrationsRun: true,
    });
    await legacy.initialize();
    try {
      const q = (sql: string) => legacy.query(sql);
      await q(
        `INSERT INTO image_processing_requests (request_id, status, output_csv, total_images,
           processed_images, failed_images, completed_at)
         VALUES ('${REQUEST_ID}', 'Completed', 'S. No.,Product Name,Input Image Urls,Output Image Urls\r\n', 2, 2, 1, '2026-01-01 10:00:00'),
                ('00000000-0000-4000-8000-000000000001', 'Processing', NULL, 1, 0, 0, NULL)`,
      );
      await q(
        `INSERT INTO products (request_id, row_number, line_number, serial_number, product_name, input_image_urls)
         VALUES (1, 1, 2, '1', 'Mug', 'http://x.example/a.jpg, http://x.example/b.jpg'),
                (2, 1, 2, '1', 'Cup', 'http://127.0.0.1:1/missing.jpg')`,
      );
      await q(
        `INSERT INTO images (product_id, request_id, position, input_url, status, output_path, output_url, error)
         VALUES (1, 1, 1, 'http://x.example/a.jpg', 'Completed', '${REQUEST_ID}/1-1.jpg', 'http://old-host/images/${REQUEST_ID}/1-1.jpg', NULL),
                (1, 1, 2, 'http://x.example/b.jpg', 'Failed', NULL, NULL, 'Download failed with HTTP 404'),
                (2, 2, 1, 'http://127.0.0.1:1/missing.jpg', 'Pending', NULL, NULL, NULL)`,
      );
    } finally {
      await legacy.destroy();
    }

    const app = await startTestApp(env);
    try {
      const finished = await getStatus(app.baseUrl, REQUEST_ID);
      expect(finished.status).toBe('Completed');
      expect(finished.images.items.map((image) => [image.status, image.output_url])).toEqual([
        ['Completed', `${app.baseUrl}/images/${REQUEST_ID}/1-1.jpg`],
        ['Failed', null],
      ]);
      const csv = await request(app.baseUrl).get(`/status/${REQUEST_ID}/output.csv`).expect(200);
      expect(csv.text).toBe(
        'S. No.,Product Name,Input Image Urls,Output Image Urls\r\n' +
          `1,Mug,"http://x.example/a.jpg, http://x.example/b.jpg","${app.baseUrl}/images/${REQUEST_ID}/1-1.jpg, "\r\n`,
      );

      const unfinished = await waitUntilFinished(
        app.baseUrl,
        '00000000-0000-4000-8000-000000000001',
      );
      expect(unfinished).toMatchObject({ status: 'Failed', progress: { processed: 1, failed: 1 } });
    } finally {
      await app.close();
      await removeTestData(env);
    }
  });
});
