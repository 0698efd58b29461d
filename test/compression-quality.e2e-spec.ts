import sharp from 'sharp';
import request from 'supertest';
import { jpegPhoto, photo, pngPhoto, webpPhoto } from './helpers/fixture-images';
import { ImageResult, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

/** A JPEG that libjpeg writes at `quality` with the IJG tables of JPEG Annex K (sharp's table 0). */
const ijgJpeg = (image: Buffer, quality: number): Promise<Buffer> =>
  sharp(image).jpeg({ quality, quantisationTable: 0 }).toBuffer();

/**
 * The DQT segments of a JPEG, as bytes, read by walking its markers up to the first scan: the
 * quality a JPEG was written at is checked against these, not by the estimator under test.
 */
function quantisationTablesOf(jpeg: Buffer): Buffer[] {
  const tables: Buffer[] = [];
  for (let offset = 2; offset + 4 <= jpeg.length && jpeg[offset] === 0xff;) {
    const marker = jpeg[offset + 1];
    if (marker === 0xda) break;
    const length = jpeg.readUInt16BE(offset + 2);
    if (marker === 0xdb) tables.push(jpeg.subarray(offset + 4, offset + 2 + length));
    offset += 2 + length;
  }
  expect(tables.length).toBeGreaterThan(0);
  return tables;
}

describe('Compression through the service, per format', () => {
  let images: FixtureServer;
  let service: TestApp;
  let items: Map<string, ImageResult>;

  const download = async (item: ImageResult | undefined): Promise<Buffer> =>
    (
      await request(item?.output_url ?? '')
        .get('')
        .buffer(true)
        .expect(200)
    ).body as Buffer;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const urls = [
      images.file('/q90.jpg', await jpegPhoto(800, 600, 90), 'image/jpeg'),
      images.file('/q90.webp', await webpPhoto(800, 600, 90), 'image/webp'),
      images.file('/photo.png', await pngPhoto(400, 300), 'image/png'),
      images.file('/photo.gif', await photo(300, 200).gif().toBuffer(), 'image/gif'),
    ];
    service = await startTestApp(await testEnvironment());
    const csv = `S. No.,Product Name,Input Image Urls\n1,Formats,"${urls.join(', ')}"\n`;
    const done = await waitUntilFinished(service.baseUrl, await uploadCsv(service.baseUrl, csv));
    items = new Map(
      done.images.items.map((item) => [new URL(item.input_url).pathname, item] as const),
    );
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  it('re-encodes a quality-90 JPEG at quality 45, which reads back from the output file', async () => {
    const item = items.get('/q90.jpg');
    expect(item).toMatchObject({ status: 'Completed', format: 'jpeg', source_quality: 90 });
    expect(item?.target_quality).toBe(45);

    const output = await download(item);
    const source = await jpegPhoto(800, 600, 90);
    expect(quantisationTablesOf(output)).toEqual(quantisationTablesOf(await ijgJpeg(source, 45)));
    expect(quantisationTablesOf(output)).not.toEqual(
      quantisationTablesOf(await ijgJpeg(source, 46)),
    );
    expect(output.length).toBeLessThan(item?.bytes_in ?? 0);
  });

  it('writes lossy WebP as WebP at 50, its quality being unreadable and taken as 100', async () => {
    const item = items.get('/q90.webp');
    expect(item).toMatchObject({ format: 'webp', source_quality: null, target_quality: 50 });
    expect((await sharp(await download(item)).metadata()).format).toBe('webp');
  });

  it('writes PNG as a palette PNG at quality 50', async () => {
    const item = items.get('/photo.png');
    expect(item).toMatchObject({ format: 'png', source_quality: 100, target_quality: 50 });
    const metadata = await sharp(await download(item)).metadata();
    expect(metadata).toMatchObject({ format: 'png', isPalette: true });
  });

  it('keeps GIF as GIF, never larger than its source', async () => {
    const item = items.get('/photo.gif');
    expect(item).toMatchObject({ status: 'Completed', format: 'gif', source_quality: 100 });
    const output = await download(item);
    expect((await sharp(output).metadata()).format).toBe('gif');
    expect(output.length).toBeLessThanOrEqual(item?.bytes_in ?? 0);
  });
});
