import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './helpers/free-port';
import { Env, removeTestData, testEnvironment } from './helpers/test-app';
import { removeRedisKeys, SHARED_REDIS_URL, testQueuePrefix } from './helpers/test-run';
import { waitFor } from './helpers/wait-for';

const ROOT = resolve(__dirname, '..');

/**
 * A command started as a person starts it, in a process group of its own, so that whatever it
 * leaves behind can be found (and, whatever the outcome, removed) by that group.
 */
class Started {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(command: string, args: string[], env: Env) {
    this.child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: tmpdir(), ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolveExit) =>
      this.child.once('exit', (code, signal) => resolveExit({ code, signal })),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once `text` has been printed; fails if the command ends first. */
  async printed(text: string): Promise<void> {
    await waitFor(
      () => {
        if (this.output.includes(text)) return true;
        if (!this.running) throw new Error(`It stopped before printing "${text}":\n${this.output}`);
        return false;
      },
      { what: () => `"${text}" in:\n${this.output}`, progress: () => this.output.length },
    );
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** The processes of its group still alive: none once it and everything it started ended. */
  groupAlive(): boolean {
    try {
      process.kill(-this.groupId, 0);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw error;
    }
  }

  /** Ends whatever of its group is left, when a test failed half-way. */
  removeGroup(): void {
    if (this.groupAlive()) process.kill(-this.groupId, 'SIGKILL');
  }

  private get groupId(): number {
    if (this.child.pid === undefined) throw new Error('The command did not start');
    return this.child.pid;
  }
}

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
    let demo: Started;
    const queuePrefix = testQueuePrefix();

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'image-batch-demo-'));
      port = await freePort();
      demo = new Started('npm', ['run', 'demo'], {
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
    let service: Started;

    beforeAll(async () => {
      env = await testEnvironment({ LOG_LEVEL: 'info' });
      // The service as `node dist/src/main.js` runs it, from the sources rather than a build.
      service = new Started(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
        env,
      );
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
