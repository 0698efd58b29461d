import { INestApplication } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config/config';
import { configureApp } from '../../src/app.setup';
import { freePort } from './free-port';
import { waitFor } from './wait-for';
import { createPostgresDatabase, dropPostgresDatabase, usesPostgres } from './test-database';
import { removeRedisKeys, SHARED_REDIS_URL, testQueuePrefix } from './test-run';
import { TYPESCRIPT_LOADER_ARGS } from './typescript-loader';

export type Env = Record<string, string>;

/**
 * Settings that keep every test's data and queues apart and its retries short. With
 * `TEST_DATABASE=postgres` the data goes to a fresh PostgreSQL database instead of SQLite.
 */
export async function testEnvironment(overrides: Env = {}): Promise<Env> {
  const dataDir = mkdtempSync(join(tmpdir(), 'image-batch-'));
  const port = await freePort();
  const database = usesPostgres()
    ? { DATABASE_URL: await createPostgresDatabase() }
    : { DATABASE_URL: '' };
  return {
    MODE: 'all',
    // Every process a test starts runs here, whatever its MODE.
    SINGLE_HOST: 'true',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    SQLITE_PATH: join(dataDir, 'app.sqlite'),
    ...database,
    STORAGE_DIR: join(dataDir, 'images'),
    REDIS_URL: SHARED_REDIS_URL,
    QUEUE_PREFIX: testQueuePrefix(),
    IMAGE_CONCURRENCY: '2',
    DISPATCH_INTERVAL_MS: '50',
    QUEUE_RESYNC_INTERVAL_MS: '2000',
    IMAGE_JOB_ATTEMPTS: '2',
    IMAGE_JOB_BACKOFF_MS: '100',
    DOWNLOAD_TIMEOUT_MS: '30000',
    WEBHOOK_RETRY_DELAYS_MS: '100,100',
    WEBHOOK_TIMEOUT_MS: '2000',
    ALLOW_PRIVATE_NETWORKS: 'true',
    UPLOAD_RATE_LIMIT: '10000',
    // Fixtures may be dated long ago; only a test of retention wants them deleted.
    RETENTION_DAYS: '0',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
}

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  env: Env;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * Starts the whole app in this process, listening on loopback, against real Redis and database.
 * Its configuration comes from `env` alone, not from this process's environment; `override`
 * may replace providers (`builder.overrideProvider(...)`).
 */
export async function startTestApp(
  env: Env,
  {
    override = (builder) => builder,
  }: { override?: (builder: TestingModuleBuilder) => TestingModuleBuilder } = {},
): Promise<TestApp> {
  const moduleRef = await override(
    Test.createTestingModule({ imports: [AppModule.forRoot(loadConfig(env))] }),
  ).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  configureApp(app);
  await app.listen(Number(env.PORT), '127.0.0.1');
  return {
    app,
    baseUrl: env.PUBLIC_BASE_URL,
    env,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    close: () => app.close(),
  };
}

/**
 * Removes what a test's service kept: its data folder, its PostgreSQL database and its keys in
 * the shared Redis (a private Redis goes with its own folder). Call it after the service stopped.
 */
export async function removeTestData(env: Env): Promise<void> {
  rmSync(resolve(env.SQLITE_PATH, '..'), { recursive: true, force: true });
  if (env.DATABASE_URL) await dropPostgresDatabase(env.DATABASE_URL);
  if (env.REDIS_URL === SHARED_REDIS_URL) await removeRedisKeys(env.REDIS_URL, env.QUEUE_PREFIX);
}

/**
 * Runs the service from source as a separate process (e.g. MODE=worker); `entry` may name a
 * test's own start-up script instead of `src/main.ts`.
 */
export class ServiceProcess {
  private output = '';
  private readonly child: ChildProcess;

  constructor(env: Env, { entry = resolve(__dirname, '../../src/main.ts') } = {}) {
    // Workers listen for health checks; on a free port of their own unless one is given, so
    // that several of them can share the API's environment.
    const healthPort = env.MODE === 'worker' && !env.HEALTH_PORT ? { HEALTH_PORT: '0' } : {};
    this.child = spawn(process.execPath, [...TYPESCRIPT_LOADER_ARGS, entry], {
      cwd: resolve(__dirname, '../..'),
      // Its log is captured, not printed, and tests look for debug lines in it.
      env: { ...process.env, ...env, ...healthPort, LOG_LEVEL: 'debug', LOG_PRETTY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  get log(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Where a worker serves its health and metrics routes, read from its start-up log. */
  async healthUrl(): Promise<string> {
    await this.waitForLog('Worker started');
    const match = /health on (http:\/\/[\w.:[\]-]+)/.exec(this.output);
    if (!match) throw new Error(`No health URL in the worker log:\n${this.output}`);
    return match[1].replace('[::1]', '127.0.0.1');
  }

  /** Waits for `text` in the log; fails if the process exits, or logs nothing for a long while. */
  async waitForLog(text: string): Promise<void> {
    await waitFor(
      () => {
        if (this.exited) {
          throw new Error(
            `Service exited (${this.child.exitCode ?? this.child.signalCode}):\n${this.output}`,
          );
        }
        return this.output.includes(text);
      },
      {
        what: () => `"${text}" in the service log:\n${this.output}`,
        progress: () => this.output.length,
      },
    );
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** A process ended by a signal has no exit code, only a signal code. */
  private get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.exited) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) =>
      this.child.once('exit', (code) => resolve(code)),
    );
    this.child.kill(signal);
    return exited;
  }
}
