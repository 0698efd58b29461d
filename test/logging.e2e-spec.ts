import request from 'supertest';
import { jpegPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, ServiceProcess, testEnvironment, type Env } from './helpers/test-app';
import { waitFor } from './helpers/wait-for';

interface LogLine {
  level: number;
  msg: string;
  context?: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
  job?: { queue: string; name: string; id: string; attempt: number };
}

describe('Structured logs', () => {
  let images: FixtureServer;
  let env: Env;
  let service: ServiceProcess;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    images.file('/a.jpg', await jpegPhoto(200, 150, 90, 1), 'image/jpeg');
    env = await testEnvironment({ MODE: 'all' });
    service = new ServiceProcess(env);
    await service.waitForLog('Listening on');
  });

  afterAll(async () => {
    await service.stop();
    await images.stop();
    await removeTestData(env);
  });

  const logLines = (): LogLine[] =>
    service.log
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);

  it('writes JSON lines, with the request id on request lines and the job id on job lines', async () => {
    const csv = `S. No.,Product Name,Input Image Urls\n1,Mug,${images.url('/a.jpg')}\n`;

    const upload = await request(env.PUBLIC_BASE_URL)
      .post('/upload')
      .set('X-Request-Id', 'upload-42')
      .attach('file', Buffer.from(csv), 'products.csv')
      .expect(202)
      .expect('X-Request-Id', 'upload-42');
    const requestId = (upload.body as { request_id: string }).request_id;
    await waitFor(
      () =>
        logLines().find((line) => line.msg === `Request ${requestId} finished: Completed`) ?? null,
      { what: 'the request to finish' },
    );

    const lines = logLines();
    expect(lines.length).toBeGreaterThan(0);
    expect(service.log.split('\n').filter((line) => line.trim() && !line.startsWith('{'))).toEqual(
      [],
    );
    expect(
      lines.find((line) => line.msg === 'request completed' && line.req?.url === '/upload'),
    ).toMatchObject({ req: { id: 'upload-42', method: 'POST' }, res: { statusCode: 202 } });
    expect(lines.find((line) => line.msg.startsWith(`Storing request ${requestId}`))).toMatchObject(
      { req: { id: 'upload-42' } },
    );
    const jobLines = lines.filter((line) => line.msg.includes(requestId) && line.job);
    expect(jobLines.map((line) => line.msg)).toEqual([
      `Image ${requestId}/1-1: Completed`,
      `Request ${requestId} finished: Completed`,
    ]);
    const [imageLine, finishLine] = jobLines;
    expect(imageLine.job).toEqual({
      queue: 'images',
      name: 'compress-image',
      id: expect.stringMatching(/^image-\d+$/),
      attempt: 1,
    });
    expect(finishLine.job).toEqual({
      queue: 'requests',
      name: 'finalise-request',
      id: expect.stringMatching(/^finalise-\d+-\d+$/),
      attempt: 1,
    });
  });

  it('answers with a generated X-Request-Id when none is sent, and leaves probes out of the log', async () => {
    const response = await request(env.PUBLIC_BASE_URL).get('/health/live').expect(200);

    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await request(env.PUBLIC_BASE_URL).get('/metrics').expect(200);
    const unknown = '/status/00000000-0000-4000-8000-000000000000';
    await request(env.PUBLIC_BASE_URL).get(unknown).expect(404);
    await waitFor(() => logLines().some((line) => line.req?.url === unknown), {
      what: 'the status request line',
    });
    expect(logLines().filter((line) => /^\/(health|metrics)/.test(line.req?.url ?? ''))).toEqual(
      [],
    );
  });
});

describe('The start-up log', () => {
  it('names the address the socket is bound to, not a loopback one', async () => {
    const env = await testEnvironment({ MODE: 'api', HOST: '0.0.0.0' });
    const service = new ServiceProcess(env);
    try {
      await service.waitForLog('Listening on');

      expect(service.log).toContain(
        `Listening on http://0.0.0.0:${env.PORT} (mode api; links use ${env.PUBLIC_BASE_URL})`,
      );
      await request(`http://127.0.0.1:${env.PORT}`).get('/health/live').expect(200);
    } finally {
      await service.stop();
      await removeTestData(env);
    }
  });
});
