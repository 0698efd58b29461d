import Papa from 'papaparse';
import sharp from 'sharp';
import request from 'supertest';
import { comparisonLuma, comparisonSize } from '../src/processing/quality-scorer';
import { structuralSimilarity } from '../src/processing/structural-similarity';
import { jpegPhoto, photo } from './helpers/fixture-images';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

interface ScoredImage {
  input_url: string;
  status: string;
  output_url: string | null;
  width: number | null;
  height: number | null;
  skip_reason: string | null;
  bytes_in: number | null;
  bytes_out: number | null;
  score: number | null;
}

interface Scores {
  scored: number;
  mean: number;
  min: number;
}

/**
 * Each compressed image is scored against its source (SSIM), and the request shows the mean and
 * the lowest score; an image that failed, or whose source was kept, has no score. The report
 * CSV shows what compression did to each image.
 */
describe('Quality scores and the report', () => {
  let images: FixtureServer;
  let service: TestApp;
  let requestId: string;
  let items: Map<string, ScoredImage>;
  let scores: Scores | null;
  let reportUrl: string;
  const sources = new Map<string, Buffer>();

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const serve = (path: string, data: Buffer, type: string) => {
      sources.set(path, data);
      return images.file(path, data, type);
    };
    const jpeg = serve('/photo.jpg', await jpegPhoto(640, 480, 92), 'image/jpeg');
    const png = serve(
      '/cut-out.png',
      await photo(320, 240)
        .ensureAlpha()
        .composite([{ input: Buffer.from(circle(320, 240)), blend: 'dest-in' }])
        .png()
        .toBuffer(),
      'image/png',
    );
    // Nothing to gain from re-encoding: its source is kept, and there is nothing to score.
    const tiny = serve(
      '/tiny.jpg',
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
        .jpeg({ quality: 2 })
        .toBuffer(),
      'image/jpeg',
    );
    const missing = images.url('/missing.jpg');
    service = await startTestApp(await testEnvironment({ QUALITY_SCORE: 'true' }));
    const csv =
      'S. No.,Product Name,Input Image Urls\n' +
      `1,Mug,"${jpeg}, ${png}"\n` +
      `2,Cup,"${tiny}, ${missing}, ${jpeg}"\n`;
    requestId = await uploadCsv(service.baseUrl, csv);
    const finished = await waitUntilFinished(service.baseUrl, requestId);
    const summary = finished as unknown as { scores: Scores | null; report_csv_url: string };
    scores = summary.scores;
    reportUrl = summary.report_csv_url;
    const status = await getStatus(service.baseUrl, requestId);
    items = new Map(
      (status.images.items as unknown as ScoredImage[]).map(
        (item) => [`${new URL(item.input_url).pathname}`, item] as const,
      ),
    );
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  it('scores a compressed JPEG as the SSIM of its output against its source', async () => {
    const item = items.get('/photo.jpg');
    expect(item?.status).toBe('Completed');
    expect(item?.score).toBeGreaterThan(0.5);
    expect(item?.score).toBeLessThan(1);
    expect(Number(item?.score?.toFixed(4))).toBe(item?.score);

    // The same comparison, made here over every pixel of the map.
    const output = (
      await request(item?.output_url ?? '')
        .get('')
        .buffer(true)
        .expect(200)
    ).body as Buffer;
    const size = comparisonSize({ width: 640, height: 480 });
    if (!size) throw new Error('The photo is too small to compare');
    const expected = await structuralSimilarity(
      await comparisonLuma(sources.get('/photo.jpg') ?? Buffer.alloc(0), size),
      await comparisonLuma(output, size),
    );
    expect(Math.abs((item?.score ?? 0) - expected)).toBeLessThan(0.001);
  });

  it('scores a PNG with transparency', () => {
    const item = items.get('/cut-out.png');
    expect(item?.status).toBe('Completed');
    expect(item?.score).toBeGreaterThan(0.5);
    expect(item?.score).toBeLessThanOrEqual(1);
  });

  it('has no score for an image whose source was kept, nor for one that failed', () => {
    expect(items.get('/tiny.jpg')).toMatchObject({ status: 'Completed', score: null });
    expect(items.get('/tiny.jpg')?.skip_reason).toMatch(/source is kept/);
    expect(items.get('/missing.jpg')).toMatchObject({ status: 'Failed', score: null });
  });

  it("shows the mean and the lowest of the request's scores, counting a reused image again", () => {
    const jpegScore = items.get('/photo.jpg')?.score ?? 0;
    const pngScore = items.get('/cut-out.png')?.score ?? 0;
    const each = [jpegScore, jpegScore, pngScore];
    expect(scores).toEqual({
      scored: 3,
      mean: Number((each.reduce((sum, score) => sum + score, 0) / 3).toFixed(4)),
      min: Math.min(...each),
    });
  });

  it('reports one row per image, in output order, with what compression did to it', async () => {
    const response = await request(reportUrl).get('').buffer(true).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="${requestId}-report.csv"`,
    );
    const rows = Papa.parse<Record<string, string>>(response.text, {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(rows.map((row) => [row['S. No.'], row.Position, row.Result])).toEqual([
      ['1', '1', 'Compressed'],
      ['1', '2', 'Compressed'],
      ['2', '1', 'Source kept'],
      ['2', '2', 'Failed'],
      ['2', '3', 'Compressed'],
    ]);
    const jpeg = items.get('/photo.jpg');
    expect(rows[0]).toMatchObject({
      'Product Name': 'Mug',
      'Input Image Url': jpeg?.input_url,
      'Output Image Url': jpeg?.output_url,
      Format: 'jpeg',
      'Source Quality': '92',
      'Target Quality': '46',
      Score: jpeg?.score?.toFixed(4),
      Details: '',
    });
    const bytesIn = jpeg?.bytes_in ?? 0;
    const bytesOut = jpeg?.bytes_out ?? 0;
    expect(rows[0]['Bytes In']).toBe(String(bytesIn));
    expect(rows[0]['Bytes Out']).toBe(String(bytesOut));
    expect(rows[0]['Saved %']).toBe(((1 - bytesOut / bytesIn) * 100).toFixed(1));
    expect(rows[2].Details).toMatch(/source is kept/);
    expect(rows[2].Score).toBe('');
    expect(rows[3].Details).toMatch(/404/);
    expect(rows[3]['Output Image Url']).toBe('');
  });
});

/** A white disc on transparency, as an SVG mask. */
function circle(width: number, height: number): string {
  const radius = Math.min(width, height) / 2 - 10;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<circle cx="${width / 2}" cy="${height / 2}" r="${radius}" fill="#fff"/></svg>`
  );
}
