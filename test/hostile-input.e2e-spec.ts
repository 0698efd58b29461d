import request from 'supertest';
import { uploadCsv, waitUntilFinished, webhookDeliveries } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { countRows } from './helpers/test-database';
import { waitFor } from './helpers/wait-for';
import { WebhookReceiver } from './helpers/webhook-receiver';

const MEGABYTE = 1024 * 1024;
const CSV_HEADER = 'S. No.,Product Name,Input Image Urls\n';
/** An error answer short enough to show a person, however large the value at fault. */
const MAX_ERROR_ANSWER_BYTES = 1024;
const MAX_MESSAGE_LENGTH = 200;
const MAX_HEADER_MESSAGE_LENGTH = 400;

interface CsvProblemAnswer {
  statusCode: number;
  message: string;
  errors: { line: number; column: string | null; message: string }[];
}

describe('Hostile input', () => {
  let server: FixtureServer;
  let service: TestApp;
  let bytesSent = 0;
  let streamClosed = false;

  beforeAll(async () => {
    server = await new FixtureServer().start();
    const chunk = Buffer.alloc(64 * 1024, 0xab);
    // Claims nothing about its length and would send 100 MB if nobody stopped reading.
    server.route('/endless.jpg', (_, response) => {
      response.writeHead(200, { 'Content-Type': 'image/jpeg' });
      const pump = () => {
        while (bytesSent < 100 * 1024 * 1024) {
          bytesSent += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      response.on('close', () => (streamClosed = true));
      pump();
    });
    server.file('/page.jpg', Buffer.from('<!DOCTYPE html><html>hello</html>'), 'image/jpeg');
    service = await startTestApp(
      await testEnvironment({ ALLOW_PRIVATE_NETWORKS: 'false', DOWNLOAD_MAX_BYTES: '1048576' }),
    );
  });

  afterAll(async () => {
    await service.close();
    await server.stop();
    await removeTestData(service.env);
  });

  const process = async (urls: string[], webhookUrl?: string) => {
    const csv = `S. No.,Product Name,Input Image Urls\n1,Probe,"${urls.join(', ')}"\n`;
    const requestId = await uploadCsv(service.baseUrl, csv, { webhookUrl });
    return { requestId, ...(await waitUntilFinished(service.baseUrl, requestId)) };
  };

  it('refuses to download from loopback in every notation while private networks are off', async () => {
    const port = new URL(server.baseUrl).port;
    const urls = [
      `http://127.0.0.1:${port}/a.jpg`,
      `http://localhost:${port}/a.jpg`,
      `http://[::1]:${port}/a.jpg`,
      `http://0.0.0.0:${port}/a.jpg`,
      `http://[::ffff:127.0.0.1]:${port}/a.jpg`,
      `http://2130706433:${port}/a.jpg`,
      `http://0x7f.1:${port}/a.jpg`,
    ];
    const hitsBefore = [...server.hits.values()].reduce((sum, hits) => sum + hits, 0);

    const result = await process(urls);

    expect(result.status).toBe('Failed');
    for (const image of result.images.items) {
      expect(image).toMatchObject({
        status: 'Failed',
        error: expect.stringMatching(/Refused to connect/),
      });
    }
    const hitsAfter = [...server.hits.values()].reduce((sum, hits) => sum + hits, 0);
    expect(hitsAfter).toBe(hitsBefore);
  });

  it('refuses a webhook to a loopback receiver once, without retrying', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const result = await process([`http://127.0.0.1:1/a.jpg`], receiver.url);
      const deliveries = await waitFor(async () => {
        const rows = await webhookDeliveries(service.dataSource, result.requestId);
        return rows.length > 0 ? rows : undefined;
      });

      expect(deliveries.map(({ outcome, error }) => ({ outcome, error }))).toEqual([
        { outcome: 'failed', error: expect.stringMatching(/Refused to connect to 127\.0\.0\.1/) },
      ]);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.stop();
    }
  });

  describe('with loopback allowed for the fixture server', () => {
    let open: TestApp;

    beforeAll(async () => {
      open = await startTestApp(
        await testEnvironment({
          ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
          DOWNLOAD_MAX_BYTES: '1048576',
        }),
      );
    });

    afterAll(async () => {
      await open.close();
      await removeTestData(open.env);
    });

    const processOn = async (url: string) => {
      const csv = `S. No.,Product Name,Input Image Urls\n1,Probe,${url}\n`;
      const status = await waitUntilFinished(open.baseUrl, await uploadCsv(open.baseUrl, csv));
      expect(status.status).toBe('Failed');
      return status.images.items[0];
    };

    it('stops an oversized download at the cap instead of reading it all', async () => {
      const image = await processOn(server.url('/endless.jpg'));

      expect(image.error).toBe('Image is larger than the limit of 1048576 bytes; download stopped');
      await waitFor(() => streamClosed, { what: 'the server to see the connection closed' });
      expect(bytesSent).toBeLessThan(10 * 1024 * 1024);
    });

    it('rejects an HTML page served as image/jpeg by its content', async () => {
      const image = await processOn(server.url('/page.jpg'));

      expect(image.error).toMatch(/not a JPEG, PNG, WebP, GIF or AVIF image/);
    });
  });

  it('answers every one of a few hundred malformed CSVs with 400 or 202, never 500', async () => {
    const random = seededRandom(42);
    const header = ['S. No.,Product Name,Input Image Urls', 's.no,product name,input image urls'];
    const cellPool = [
      '"',
      '""',
      '"a,b',
      '\u0000',
      'x'.repeat(70_000),
      'x'.repeat(300_000),
      'n'.repeat(1001),
      '9'.repeat(256),
      `http://images.invalid/${'a'.repeat(2100)}.jpg`,
      'http://images.invalid/a.jpg',
      '"http://images.invalid/a.jpg, http://images.invalid/b.jpg"',
      'javascript:alert(1)',
      '=cmd|" /C calc"!A0',
      '\r',
      '\n',
      ',',
      '\uFEFF',
      '😀',
      '-1',
      '1',
    ];
    const statuses = new Map<number, number>();
    for (let index = 0; index < 300; index++) {
      let body: Buffer;
      if (index % 10 === 0) {
        body = Buffer.from(Array.from({ length: 200 }, () => Math.floor(random() * 256)));
      } else {
        const rows = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
          Array.from(
            { length: 1 + Math.floor(random() * 5) },
            () => cellPool[Math.floor(random() * cellPool.length)],
          ).join(','),
        );
        const text = [header[index % 2], ...rows].join(random() < 0.5 ? '\n' : '\r\n');
        body = index % 7 === 0 ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
      }
      const response = await request(service.baseUrl)
        .post('/upload')
        .attach('file', body, 'fuzz.csv');
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect([202, 400]).toContain(response.status);
      expect(Buffer.byteLength(response.text)).toBeLessThan(16 * 1024);
    }
    expect(statuses.get(400)).toBeGreaterThan(100);
    await request(service.baseUrl).get('/docs-json').expect(200);
  });

  describe('over-long fields', () => {
    const url = 'http://images.invalid/a.jpg';
    const storedRows = async () => ({
      requests: await countRows(service.dataSource, 'image_processing_requests'),
      products: await countRows(service.dataSource, 'products'),
      images: await countRows(service.dataSource, 'images'),
    });

    it.each<[string, () => string, CsvProblemAnswer['errors'][number]]>([
      [
        'a product name over CSV_MAX_FIELD_LENGTH',
        () => `${CSV_HEADER}1,${'n'.repeat(1001)},${url}\n`,
        {
          line: 2,
          column: 'Product Name',
          message: 'Product name is 1001 characters long; at most 1000 are allowed',
        },
      ],
      [
        'a serial number over 255 characters',
        () => `${CSV_HEADER}1,Mug,${url}\n${'9'.repeat(256)},Cup,${url}\n`,
        {
          line: 3,
          column: 'S. No.',
          message: 'Serial number is 256 characters long; at most 255 are allowed',
        },
      ],
      [
        'a long serial number that is not a number, quoted cut short',
        () => `${CSV_HEADER}${'x'.repeat(200)},Mug,${url}\n`,
        {
          line: 2,
          column: 'S. No.',
          message: `Serial number "${'x'.repeat(77)}..." is not a whole number`,
        },
      ],
      [
        'a URL over CSV_MAX_URL_LENGTH',
        () => `${CSV_HEADER}1,Mug,http://images.invalid/${'a'.repeat(2100)}.jpg\n`,
        {
          line: 2,
          column: 'Input Image Urls',
          message: 'URL 1 is 2126 characters long; at most 2048 are allowed',
        },
      ],
      [
        'a cell of 20 MB',
        () => `${CSV_HEADER}1,Mug,${url}\n2,"${'x'.repeat(20 * MEGABYTE)}",${url}\n`,
        {
          line: 3,
          column: null,
          message: expect.stringMatching(/^The row is longer than \d+ characters/) as string,
        },
      ],
      [
        'a header cell of 10 MB',
        () => `${'h'.repeat(10 * MEGABYTE)},Product Name,Input Image Urls\n1,Mug,${url}\n`,
        {
          line: 1,
          column: null,
          message: expect.stringMatching(/^The row is longer than \d+ characters/) as string,
        },
      ],
      [
        'a header cell of 50,000 characters, quoted cut short',
        () => `S. No.,Product Name,Input Image Urls,${'h'.repeat(50_000)}\n1,Mug,${url}\n`,
        {
          line: 1,
          column: null,
          message: expect.stringMatching(
            /^The header row does not match: found 4 column\(s\).*"h{77}\.\.\."/,
          ) as string,
        },
      ],
    ])('answers 400 to %s, briefly, and stores nothing', async (_, csv, problem) => {
      const before = await storedRows();

      const response = await request(service.baseUrl)
        .post('/upload')
        .attach('file', Buffer.from(csv()), 'long.csv')
        .expect(400);

      const answer = response.body as CsvProblemAnswer;
      expect(answer).toMatchObject({ statusCode: 400, message: 'The CSV file is not valid' });
      expect(answer.errors).toEqual([problem]);
      // A wrong header is one problem naming every column found and expected, each cut short.
      expect(answer.errors[0].message.length).toBeLessThanOrEqual(MAX_HEADER_MESSAGE_LENGTH);
      expect(answer.errors[0].column?.length ?? 0).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      expect(Buffer.byteLength(response.text)).toBeLessThan(MAX_ERROR_ANSWER_BYTES);
      expect(await storedRows()).toEqual(before);
    });
  });
});

interface ImagePage {
  images: { items: { ordinal: number }[]; next: string | null };
}

describe('A status page of fields at their caps', () => {
  const MAX_PAGE_BYTES = 16 * 1024;
  const IMAGES = 40;
  let service: TestApp;

  beforeAll(async () => {
    service = await startTestApp(
      await testEnvironment({
        ALLOW_PRIVATE_NETWORKS: 'false',
        STATUS_PAGE_MAX_BYTES: String(MAX_PAGE_BYTES),
      }),
    );
  });

  afterAll(async () => {
    await service.close();
    await removeTestData(service.env);
  });

  it('holds fewer images than asked, within STATUS_PAGE_MAX_BYTES, and goes on with next', async () => {
    // Names of 1000 characters (CSV_MAX_FIELD_LENGTH) of two bytes each, 255-digit serial
    // numbers and URLs near CSV_MAX_URL_LENGTH: about 4.5 KB of JSON per image.
    const rows = Array.from({ length: IMAGES }, (_, index) => {
      const serial = String(index + 1).padStart(255, '0');
      const imageUrl = `http://10.0.0.1/${String(index).padStart(2000, 'a')}.jpg`;
      return `${serial},${'é'.repeat(1000)},${imageUrl}`;
    });
    const requestId = await uploadCsv(service.baseUrl, `${CSV_HEADER}${rows.join('\n')}\n`);
    await waitUntilFinished(service.baseUrl, requestId);

    const ordinals: number[] = [];
    let pages = 0;
    let next: string | null = `/status/${requestId}?limit=100`;
    while (next !== null) {
      const { images: page }: ImagePage = (await request(service.baseUrl).get(next).expect(200))
        .body as ImagePage;
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.length).toBeLessThan(100);
      expect(Buffer.byteLength(JSON.stringify(page.items))).toBeLessThanOrEqual(MAX_PAGE_BYTES);
      ordinals.push(...page.items.map((item) => item.ordinal));
      next = page.next === null ? null : new URL(page.next).pathname + new URL(page.next).search;
      pages++;
    }

    expect(pages).toBeGreaterThan(1);
    expect(ordinals).toEqual(Array.from({ length: IMAGES }, (_, index) => index + 1));
  });
});

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}
