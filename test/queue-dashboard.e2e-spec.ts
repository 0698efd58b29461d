import request from 'supertest';
import { removeTestData, ServiceProcess, startTestApp, testEnvironment } from './helpers/test-app';

const PASSWORD = 'dashboard-password-1';

describe('The queue dashboard', () => {
  it('is not served unless QUEUE_DASHBOARD=true', async () => {
    const service = await startTestApp(await testEnvironment({ MODE: 'api' }));
    try {
      await request(service.baseUrl).get('/queues').expect(404);
    } finally {
      await service.close();
      await removeTestData(service.env);
    }
  });

  it('asks for its password, then shows every queue', async () => {
    const service = await startTestApp(
      await testEnvironment({
        MODE: 'api',
        QUEUE_DASHBOARD: 'true',
        QUEUE_DASHBOARD_PASSWORD: PASSWORD,
      }),
    );
    try {
      const refused = await request(service.baseUrl).get('/queues').expect(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Basic realm="queues"/);
      await request(service.baseUrl).get('/queues').auth('admin', 'wrong-password').expect(401);

      const page = await request(service.baseUrl)
        .get('/queues')
        .auth('admin', PASSWORD)
        .expect(200)
        .expect('Content-Type', /text\/html/);
      expect(page.text).toContain('Image batch queues');
      const api = await request(service.baseUrl)
        .get('/queues/api/queues')
        .auth('admin', PASSWORD)
        .expect(200);
      const names = (api.body as { queues: { name: string }[] }).queues.map((queue) => queue.name);
      expect(names.sort()).toEqual(['images', 'requests', 'reuse', 'variants', 'webhooks']);
    } finally {
      await service.close();
      await removeTestData(service.env);
    }
  });

  it('starts without a password, warning that the dashboard is open', async () => {
    const env = await testEnvironment({
      MODE: 'api',
      QUEUE_DASHBOARD: 'true',
      QUEUE_DASHBOARD_PASSWORD: '',
    });
    const api = new ServiceProcess(env);
    try {
      await api.waitForLog('Listening on');
      expect(api.log).toContain('The queue dashboard at /queues is open to anyone');
      await request(env.PUBLIC_BASE_URL).get('/queues').expect(200);
    } finally {
      await api.stop();
      await removeTestData(env);
    }
  });
});
