import request from 'supertest';
import { freePort } from './helpers/free-port';
import {
  Env,
  removeTestData,
  ServiceProcess,
  startTestApp,
  TestApp,
  testEnvironment,
} from './helpers/test-app';

const CSV = Buffer.from('S. No.,Product Name,Input Image Urls\n1,Hat,http://127.0.0.1:9/hat.jpg\n');

const upload = (baseUrl: string, forwardedFor?: string) => {
  const call = request(baseUrl).post('/upload');
  if (forwardedFor) void call.set('X-Forwarded-For', forwardedFor);
  return call.attach('file', CSV, 'hat.csv');
};

describe('The upload limit, shared by every API process', () => {
  describe('two API processes, TRUST_PROXY off', () => {
    let env: Env;
    let apis: ServiceProcess[] = [];
    const baseUrls: string[] = [];

    beforeAll(async () => {
      env = await testEnvironment({ MODE: 'api', UPLOAD_RATE_LIMIT: '3', DISPATCHER: 'false' });
      for (let index = 0; index < 2; index++) {
        const port = String(await freePort());
        apis.push(new ServiceProcess({ ...env, PORT: port }));
        baseUrls.push(`http://127.0.0.1:${port}`);
      }
      await Promise.all(apis.map((api) => api.waitForLog('Listening on')));
    });

    afterAll(async () => {
      await Promise.all(apis.map((api) => api.stop()));
      apis = [];
      await removeTestData(env);
    });

    it('counts one address across both processes, whatever X-Forwarded-For it sends', async () => {
      // Three uploads in all, spread over both processes and under three spoofed addresses.
      await upload(baseUrls[0], '203.0.113.1').expect(202);
      await upload(baseUrls[1], '203.0.113.2').expect(202);
      await upload(baseUrls[0], '203.0.113.3').expect(202);

      for (const baseUrl of baseUrls) {
        const refused = await upload(baseUrl, '203.0.113.4').expect(429);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      }
    });
  });

  describe('behind a proxy, TRUST_PROXY=loopback', () => {
    let service: TestApp;

    beforeAll(async () => {
      service = await startTestApp(
        await testEnvironment({ UPLOAD_RATE_LIMIT: '2', TRUST_PROXY: 'loopback' }),
      );
    });

    afterAll(async () => {
      await service.close();
      await removeTestData(service.env);
    });

    it('counts each forwarded client address apart', async () => {
      await upload(service.baseUrl, '198.51.100.7').expect(202);
      await upload(service.baseUrl, '198.51.100.7').expect(202);
      await upload(service.baseUrl, '198.51.100.7').expect(429);

      await upload(service.baseUrl, '198.51.100.8').expect(202);
    });
  });
});
