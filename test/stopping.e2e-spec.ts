import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './helpers/free-port';
import { StartedCommand } from './helpers/started-command';
import { Env, removeTestData, testEnvironment } from './helpers/test-app';
import { removeRedisKeys, SHARED_REDIS_URL, testQueuePrefix } from './helpers/test-run';
import { TYPESCRIPT_LOADER_ARGS } from './helpers/typescript-loader';
import { waitFor } from './helpers/wait-for';

/** Whether something accepts connections on the port, on 127.0.0.1. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolveProbe, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveProbe(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolveProbe(false) : reject(error),
    );
  });
}

describe('Stopping with a signal', () => {
  describe('SIGTERM to the PID of `npm run demo`', () => {
    let dataDir: string;
    let port: number;
    let demo: StartedCommand;
    const queuePrefix = testQueuePrefix();

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'image-batch-demo-'));
      port = await freePort();
      demo = new StartedCommand('npm', ['run', 'demo'], {
        HOME: process.env.HOME ?? '',
        PORT: String(port),
        DEMO_IMAGES_PORT: '0',
        DEMO_DATA_DIR: dataDir,
        REDIS_URL: SHARED_REDIS_URL,
        QUEUE_PREFIX: queuePrefix,
      });
      await demo.printed('press Ctrl-C');
    });

    afterAll(async () => {
      demo.removeGroup();
      rmSync(dataDir, { recursive: true, force: true });
      await removeRedisKeys(SHARED_REDIS_URL, queuePrefix);
    });

    it('stops the demo itself: its port is freed and no process of it is left', async () => {
      expect(await listening(port)).toBe(true);

      demo.signal('SIGTERM');
      const { code, signal } = await demo.exited;

      expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
      // npm has gone; the demo it ran must follow it, not run on as an orphan.
      await waitFor(() => !demo.groupAlive(), { what: 'every process of `npm run demo` to end' });
      expect(await listening(port)).toBe(false);
    });
  });

  describe('SIGINT to the PID of the service', () => {
    let env: Env;
    let service: StartedCommand;

    beforeAll(async () => {
      env = await testEnvironment({ LOG_LEVEL: 'info' });
      // The service as `node dist/src/main.js` runs it, from the sources rather than a build.
      service = new StartedCommand(process.execPath, [...TYPESCRIPT_LOADER_ARGS, 'src/main.ts'], {
        HOME: process.env.HOME ?? '',
        ...env,
      });
      await service.printed('Listening on');
    });

    afterAll(async () => {
      service.removeGroup();
      await removeTestData(env);
    });

    it('stops the service: its port is freed and no process of it is left', async () => {
      const port = Number(env.PORT);
      expect(await listening(port)).toBe(true);

      service.signal('SIGINT');
      const { code, signal } = await service.exited;

      // Nest closes the app, then raises the signal again, as a process stopped by it.
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGINT' });
      expect(service.groupAlive()).toBe(false);
      expect(await listening(port)).toBe(false);
    });
  });
});
