import { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { Config } from './config/config';
import { buildDataSourceOptions } from './database/data-source-options';
import { openDatabase } from './database/open-database';

const API_HEAP_GROWING_PERCENT = 25;
const WORKER_HEAP_GROWING_PERCENT = 100;

/**
 * sharp compresses on libuv's thread pool, which file and DNS work share: give it a thread per
 * compression slot and four to spare, so that a download never waits behind the compressions.
 * Must be set before the pool first runs anything; the real environment wins.
 */
export function sizeThreadPool(config: Config): void {
  process.env.UV_THREADPOOL_SIZE ??= String(config.compression.concurrency + 4);
}

/**
 * Sets how far V8 lets the old generation grow past what the last full collection kept.
 *
 * An API process streams uploads of any size, whose garbage V8 would let grow to several times
 * the live heap before collecting it (a million-row upload peaked at 330 MB). Growing the heap by
 * a quarter at a time keeps that upload near 210 MB.
 *
 * A worker is the opposite case: its ~40 MB live heap (NestJS, TypeORM, Bull) allocates slowly,
 * because the image work is native, so V8's own rule sets the next limit only about 24 MB above
 * it, less than the young generation it must be able to promote. Incremental marking then starts
 * again as soon as the last one ends: a full collection every few images, about 15 ms of CPU per
 * JPEG.
 * Doubling the heap at a time costs at most about 40 MB and leaves dozens of images between
 * collections. The flag is read at each collection, so it applies from here on.
 */
export function limitHeapGrowth(config: Config): void {
  const percent =
    config.app.mode === 'api' ? API_HEAP_GROWING_PERCENT : WORKER_HEAP_GROWING_PERCENT;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** Creates the app for `config.app.mode` and starts listening; main.ts and the demo share it. */
export async function startService(config: Config): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  configureApp(app);
  const { mode, port, healthPort, host } = config.app;
  if (mode === 'worker') {
    // A worker serves only its health (and metrics) routes, so that it can be probed too.
    await app.listen(healthPort, host);
    Logger.log(`Worker started; consuming the queues; health on ${boundUrl(app)}`, 'Bootstrap');
    return app;
  }
  await app.listen(port, host);
  Logger.log(
    `Listening on ${boundUrl(app)} (mode ${mode}; links use ${config.app.publicBaseUrl})`,
    'Bootstrap',
  );
  return app;
}

/**
 * MODE=migrate: runs the pending migrations and returns, for a deployment that migrates once
 * before it starts the other roles (with DATABASE_MIGRATIONS_RUN=false on them).
 */
export async function migrateDatabase(config: Config): Promise<void> {
  const dataSource = await openDatabase({
    ...buildDataSourceOptions(config.database),
    migrationsRun: true,
  });
  await dataSource.destroy();
  Logger.log('The database is migrated', 'Bootstrap');
}

/**
 * The address the socket is bound to, as a URL: `http://0.0.0.0:3000` means every IPv4
 * interface. Nest's `getUrl()` names 127.0.0.1 for such an address, which hides how far the
 * service is reachable.
 */
export function boundUrl(app: INestApplication): string {
  const address = (app.getHttpServer() as Server).address();
  if (address === null || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
