import request from 'supertest';
import { jpegPhoto, pngPhoto } from './helpers/fixture-images';
import { getStatus, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

interface Accepted {
  request_id: string;
}

interface ListBody {
  items: { request_id: string; file_name: string | null; progress: { total: number } }[];
}

/**
 * Excel saves CSV with semicolons in locales whose decimal separator is a comma, and some tools
 * save tabs: the service reads the delimiter from the header line and answers in kind.
 */
describe('CSV files separated by semicolons or tabs', () => {
  let images: FixtureServer;
  let service: TestApp;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    images.file('/mug.jpg', await jpegPhoto(160, 120, 90, 1), 'image/jpeg');
    images.file('/cup.png', await pngPhoto(120, 90, 2), 'image/png');
    service = await startTestApp(await testEnvironment());
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  const upload = (csv: string, filename: string) =>
    request(service.baseUrl)
      .post('/upload')
      .attach('file', Buffer.from(csv), { filename, contentType: 'text/csv' });

  it.each([
    ['semicolons', ';', 'Katalog Export.csv'],
    ['tabs', '\t', 'products.tsv'],
  ])(
    'reads a file separated by %s and writes its output CSV the same way',
    async (_, sep, filename) => {
      const mug = images.url('/mug.jpg');
      const cup = images.url('/cup.png');
      const csv =
        ['S. No.', 'Product Name', 'Input Image Urls'].join(sep) +
        '\r\n' +
        ['1', 'Tasse, groß', `${mug}, ${cup}`].join(sep) +
        '\r\n' +
        ['2', 'Becher', cup].join(sep) +
        '\r\n';

      const accepted = await upload(csv, filename).expect(202);
      const requestId = (accepted.body as Accepted).request_id;
      const finished = await waitUntilFinished(service.baseUrl, requestId);

      expect(finished).toMatchObject({ status: 'Completed', progress: { total: 3, failed: 0 } });
      const [mugOut, cupOut, cupAgain] = finished.images.items.map((image) => image.output_url);
      const output = await request(service.baseUrl)
        .get(`/status/${requestId}/output.csv`)
        .buffer(true)
        .expect(200);
      expect(output.text.split('\r\n')).toEqual([
        ['S. No.', 'Product Name', 'Input Image Urls', 'Output Image Urls'].join(sep),
        ['1', 'Tasse, groß', `${mug}, ${cup}`, `${mugOut}, ${cupOut}`].join(sep),
        ['2', 'Becher', cup, cupAgain].join(sep),
        '',
      ]);
    },
  );

  it('shows the uploaded file name and the image count in the status and the request list', async () => {
    const csv = `S. No.;Product Name;Input Image Urls\n1;Mug;${images.url('/mug.jpg')}\n`;
    const accepted = await upload(csv, 'Frühjahr\u202e.csv').expect(202);
    const requestId = (accepted.body as Accepted).request_id;

    expect(await getStatus(service.baseUrl, requestId)).toMatchObject({
      file_name: 'Frühjahr.csv',
    });
    const list = (await request(service.baseUrl).get('/requests').expect(200)).body as ListBody;
    expect(list.items.find((item) => item.request_id === requestId)).toMatchObject({
      file_name: 'Frühjahr.csv',
      progress: { total: 1 },
    });
    await waitUntilFinished(service.baseUrl, requestId);
  });

  it('answers a wrong header with one problem naming what was found and the nearest columns', async () => {
    const response = await upload(
      'S. No.;Product;Image URL\n1;Mug;http://x.example/a.jpg\n',
      'products.csv',
    ).expect(400);

    expect(response.body).toMatchObject({
      message: 'The CSV file is not valid',
      errors: [
        {
          line: 1,
          column: null,
          message:
            'The header row does not match: found 3 column(s), "S. No.", "Product", ' +
            '"Image URL"; expected "S. No.", "Product Name", "Input Image Urls". "Product" ' +
            'looks like "Product Name"; "Image URL" looks like "Input Image Urls".',
        },
      ],
    });
  });
});
