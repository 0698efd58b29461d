import { DataSource } from 'typeorm';
import { migrations } from '../src/database/data-source-options';
import { freePort } from './helpers/free-port';
import { Env, removeTestData, ServiceProcess, testEnvironment } from './helpers/test-app';
import { createPostgresDatabase } from './helpers/test-database';

/**
 * Replicas started together on an empty PostgreSQL database each run the migrations at
 * start-up; the advisory lock makes them take turns, so every one starts and each migration
 * runs once.
 */
describe('Three replicas starting at once on a fresh PostgreSQL database', () => {
  let env: Env;
  let replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    env = await testEnvironment({ MODE: 'api', DATABASE_URL: await createPostgresDatabase() });
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    replicas = [];
    await removeTestData(env);
  });

  it('all start, and every migration runs once', async () => {
    for (let index = 0; index < 3; index++) {
      replicas.push(new ServiceProcess({ ...env, PORT: String(await freePort()) }));
    }
    await Promise.all(replicas.map((replica) => replica.waitForLog('Listening on')));

    const database = new DataSource({ type: 'postgres', url: env.DATABASE_URL });
    await database.initialize();
    try {
      const ran = await database.query<{ name: string }[]>('SELECT name FROM migrations');
      expect(ran.map((row) => row.name).sort()).toEqual(
        migrations.map((migration) => migration.name).sort(),
      );
    } finally {
      await database.destroy();
    }
    const runners = replicas.filter((replica) => replica.log.includes('Ran '));
    expect(runners).toHaveLength(1);
  });
});
