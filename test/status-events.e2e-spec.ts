import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { EventStreamReader, openEvents, ServerSentEvent } from './helpers/event-stream';
import { jpegPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

interface Summary {
  request_id: string;
  status: string;
  progress: { total: number; processed: number; succeeded: number; failed: number };
  output_csv_url: string | null;
  images?: unknown;
}

const summaryOf = (event: ServerSentEvent) => JSON.parse(event.data) as Summary;
const processed = (count: number) => (event: ServerSentEvent) =>
  summaryOf(event).progress.processed >= count;

/** An image route that answers only once the test opens its gate. */
class GatedImages {
  private readonly gates = new Map<string, () => void>();

  constructor(
    private readonly server: FixtureServer,
    private readonly body: Buffer,
  ) {}

  image(path: string, status = 200): string {
    const opened = new Promise<void>((resolve) => this.gates.set(path, resolve));
    return this.server.route(path, (_, response) => {
      void opened.then(() => {
        if (status !== 200) response.writeHead(status).end('not here');
        else response.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(this.body);
      });
    });
  }

  open(path: string): void {
    this.gates.get(path)?.();
  }
}

describe('Progress events of a request (GET /status/:requestId/events)', () => {
  let images: FixtureServer;
  let gated: GatedImages;
  let service: TestApp;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    gated = new GatedImages(images, await jpegPhoto(120, 90, 90));
    service = await startTestApp(await testEnvironment({ DOWNLOAD_TIMEOUT_MS: '30000' }));
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  it('sends progress as images finish, then a final Completed event, then ends', async () => {
    const [hat, scarf, missing] = ['/hat.jpg', '/scarf.jpg', '/missing.jpg'];
    const csv =
      'S. No.,Product Name,Input Image Urls\n' +
      `1,Hat,"${gated.image(hat)}, ${gated.image(missing, 404)}"\n` +
      `2,Scarf,${gated.image(scarf)}\n`;
    const requestId = await uploadCsv(service.baseUrl, csv);
    const stream = await openEvents(service.baseUrl, requestId);
    const second = await openEvents(service.baseUrl, requestId);

    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const first = await stream.next();
    expect(first).toMatchObject({ type: 'progress', id: '0', retry: 3000 });
    expect(summaryOf(first!)).toMatchObject({
      request_id: requestId,
      status: expect.stringMatching(/^(Pending|Processing)$/),
      progress: { total: 3, processed: 0 },
      output_csv_url: null,
    });
    expect(summaryOf(first!)).not.toHaveProperty('images');

    gated.open(hat);
    const untilOne = await stream.until(processed(1));
    expect(untilOne.at(-1)).toMatchObject({ type: 'progress', id: '1' });
    expect(summaryOf(untilOne.at(-1)!)).toMatchObject({
      status: 'Processing',
      progress: { processed: 1, succeeded: 1, failed: 0 },
    });

    gated.open(missing);
    gated.open(scarf);
    const rest = await stream.until((event) => event.type === 'finished');
    const last = rest.at(-1)!;
    expect(last.id).toBe('3');
    expect(summaryOf(last)).toMatchObject({
      status: 'Completed',
      progress: { total: 3, processed: 3, succeeded: 2, failed: 1 },
      output_csv_url: `${service.baseUrl}/status/${requestId}/output.csv`,
    });
    expect(rest.slice(0, -1).every((event) => event.type === 'progress')).toBe(true);
    expect(await stream.next()).toBeNull();

    const secondEvents = await drain(second);
    expect(secondEvents.at(-1)?.data).toBe(last.data);
  });

  it('sends a finished request its final event at once and ends', async () => {
    const requestId = await uploadCsv(
      service.baseUrl,
      `S. No.,Product Name,Input Image Urls\n1,Gone,${images.url('/gone.jpg')}\n`,
    );
    await waitUntilFinished(service.baseUrl, requestId);

    const events = await drain(await openEvents(service.baseUrl, requestId));

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'finished', id: '1', retry: 3000 });
    expect(summaryOf(events[0])).toMatchObject({ status: 'Failed', progress: { failed: 1 } });
  });

  it('answers an unknown or malformed request id with a JSON error before any event', async () => {
    const unknown = randomUUID();
    const notFound = await request(service.baseUrl)
      .get(`/status/${unknown}/events`)
      .set('Accept', 'text/event-stream')
      .expect(404)
      .expect('Content-Type', /application\/json/);
    expect(notFound.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `No request with id ${unknown}`,
    });
    await request(service.baseUrl).get('/status/not-a-uuid/events').expect(400);
  });
});

describe('Progress events with API keys', () => {
  let images: FixtureServer;
  let service: TestApp;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    service = await startTestApp(await testEnvironment({ API_KEYS: 'key-alice,key-bob' }));
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  it('streams a request only to the key that uploaded it', async () => {
    const hat = images.file('/hat.jpg', await jpegPhoto(120, 90, 90), 'image/jpeg');
    const requestId = await uploadCsv(
      service.baseUrl,
      `S. No.,Product Name,Input Image Urls\n1,Hat,${hat}\n`,
      { headers: { 'X-API-Key': 'key-alice' } },
    );
    const path = `/status/${requestId}/events`;

    await request(service.baseUrl).get(path).expect(401);
    await request(service.baseUrl).get(path).set('Authorization', 'Bearer key-bob').expect(404);
    const events = await drain(
      await openEvents(service.baseUrl, requestId, { Authorization: 'Bearer key-alice' }),
    );
    expect(summaryOf(events.at(-1)!)).toMatchObject({ request_id: requestId, status: 'Completed' });
  });
});

async function drain(stream: EventStreamReader): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for (let event = await stream.next(); event; event = await stream.next()) events.push(event);
  return events;
}
