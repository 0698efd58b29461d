/**
 * `npm run demo`: a first run that shows the whole service on one machine. It draws a few
 * product photos, serves them on 127.0.0.1, starts the service on its embedded defaults (API and
 * worker in this process), uploads a CSV of the photos, prints where to watch the batch and how
 * it ended, and keeps the service running until Ctrl-C. Its data stays in ./data/demo; what may
 * be set is in demo/demo-settings.ts.
 */
import type { INestApplication } from '@nestjs/common';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { relative, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createImageBatchClient,
  multipartBody,
  type ImageBatchClient,
  type RequestStatusResponse,
  type UploadAccepted,
} from '../src/client';
import type { Config } from '../src/config/config';
import { sizeThreadPool, startService } from '../src/start-service';
import { WebConsoleAssets } from '../src/web-console/web-console-assets';
import { buildConsole } from './build-console';
import { DEFAULT_IMAGES_PORT, DemoError, demoSettings } from './demo/demo-settings';
import {
  generateSampleImages,
  SAMPLE_PRODUCT_COUNT,
  sampleCsv,
  type SampleImage,
} from './demo/sample-catalogue';
import { SampleImageServer } from './demo/sample-image-server';

const PROJECT_ROOT = resolve(__dirname, '..');
const REDIS_CONNECT_TIMEOUT_MS = 3000;
const READY_TIMEOUT_MS = 30_000;
const FINISH_TIMEOUT_MS = 5 * 60_000;
const POLL_INTERVAL_MS = 500;

const say = (...lines: string[]) => process.stdout.write(`${lines.join('\n')}\n`);
const shown = (path: string) => {
  const relativePath = relative(process.cwd(), path);
  return relativePath && !relativePath.startsWith('..') ? relativePath : path;
};

async function main(): Promise<void> {
  const settings = demoSettings(process.env, PROJECT_ROOT);
  const config = settings.service;
  // Before sharp first draws on the thread pool, which is sized when it starts.
  sizeThreadPool(config);

  say('Image batch compressor: demo', '');
  await expectRedis(config.queue.redisUrl);
  const images = await generateSampleImages();
  const server = await serveImages(images, settings.imagesPort);
  mkdirSync(settings.dataDir, { recursive: true });
  writeFileSync(settings.csvPath, sampleCsv(server.baseUrl));
  say(
    `  Sample photos: ${images.length} (${formatsOf(images)}) at ${server.baseUrl}/`,
    `  Sample CSV:    ${shown(settings.csvPath)} (${SAMPLE_PRODUCT_COUNT} products)`,
    `  Data:          ${shown(settings.dataDir)}${sep} (SQLite database and compressed images;` +
      ' delete it to start afresh)',
    '',
  );

  const assets = WebConsoleAssets.ofProject();
  if (!assets.built) {
    say(`Building the web console into ${shown(assets.directory)}...`);
    await buildConsole(assets.directory);
  }
  const app = await listen(config);
  // The demo's own calls go to the address it listens on; the URLs it prints are public ones.
  const localUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  await waitUntilReady(localUrl, config);
  const baseUrl = config.app.publicBaseUrl;
  say(`Service running at ${baseUrl} (API and worker, in this process)`);

  const client = createImageBatchClient(localUrl);
  const accepted = await upload(client, settings.csvPath);
  const startedAt = Date.now();
  const requestId = accepted.request_id;
  say(
    `Uploaded the sample CSV as request ${requestId}`,
    '',
    `  Watch it in the console:  ${baseUrl}/#/requests/${requestId}`,
    `  Status:                   ${accepted.status_url}`,
    '',
  );

  const finished = await waitUntilFinished(client, requestId);
  if (finished) say(...outcome(finished, Date.now() - startedAt));
  else say(`Still processing after ${FINISH_TIMEOUT_MS / 60_000} minutes; see the console.`);
  say(
    '',
    `  API docs:  ${baseUrl}/docs`,
    '',
    'The service keeps running; press Ctrl-C to stop it.',
  );
  // Beside Nest's own shutdown hook, which closes the app; once, so that the signal that hook
  // raises again when it is done ends the process.
  process.once('SIGINT', () => say('', 'Stopping...'));
}

/** On DEMO_IMAGES_PORT if given; otherwise on 3001, or on any free port if that is taken. */
async function serveImages(
  images: readonly SampleImage[],
  port: number | null,
): Promise<SampleImageServer> {
  try {
    return await SampleImageServer.start(images, port ?? DEFAULT_IMAGES_PORT);
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    if (port !== null) {
      throw new DemoError(`Port ${port} (DEMO_IMAGES_PORT) is taken; choose another, or 0`);
    }
    return SampleImageServer.start(images, 0);
  }
}

async function listen(config: Config): Promise<INestApplication> {
  try {
    return await startService(config);
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    throw new DemoError(
      `Port ${config.app.port} is taken: run the demo on another one, e.g. PORT=3100 npm run demo`,
    );
  }
}

const isAddressInUse = (error: unknown) =>
  error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';

/** Fails at once, rather than after the readiness wait, when nothing listens at REDIS_URL. */
async function expectRedis(redisUrl: string): Promise<void> {
  const { hostname, port } = new URL(redisUrl);
  const reachable = await new Promise<boolean>((resolveReachable) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    socket.setTimeout(REDIS_CONNECT_TIMEOUT_MS);
    const settle = (result: boolean) => {
      socket.destroy();
      resolveReachable(result);
    };
    socket.once('connect', () => settle(true));
    socket.once('error', () => settle(false));
    socket.once('timeout', () => settle(false));
  });
  if (!reachable) {
    throw new DemoError(
      `Cannot reach Redis at ${redisUrl}: start it (e.g. \`redis-server\`, or ` +
        '`docker run -p 6379:6379 redis:7`), or point REDIS_URL at it.',
    );
  }
}

interface Readiness {
  status?: string;
  error?: Record<string, { status?: string; message?: string }>;
}

/** Waits for /health/ready; names what is down (most often Redis) if it does not come up. */
async function waitUntilReady(localUrl: string, config: Config): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let down = 'no answer';
  while (Date.now() < deadline) {
    const response = await fetch(`${localUrl}/health/ready`).catch(() => null);
    if (response?.ok) return;
    const body = response ? ((await response.json().catch(() => ({}))) as Readiness) : {};
    down = Object.entries(body.error ?? {})
      .map(([name, check]) => (check.message ? `${name} (${check.message})` : name))
      .join(', ');
    await sleep(POLL_INTERVAL_MS);
  }
  throw new DemoError(
    `The service is not ready after ${READY_TIMEOUT_MS / 1000} s; down: ${down || 'unknown'}` +
      ` (Redis at ${config.queue.redisUrl}, data in ${shown(config.storage.directory)}).`,
  );
}

async function upload(client: ImageBatchClient, csvPath: string): Promise<UploadAccepted> {
  const file = new File([readFileSync(csvPath)], 'products.csv', { type: 'text/csv' });
  const { data, error, response } = await client.POST('/upload', {
    body: { file },
    bodySerializer: multipartBody,
  });
  if (!data) {
    throw new DemoError(`The upload was refused (${response.status}): ${JSON.stringify(error)}`);
  }
  return data;
}

async function waitUntilFinished(
  client: ImageBatchClient,
  requestId: string,
): Promise<RequestStatusResponse | null> {
  const deadline = Date.now() + FINISH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { data } = await client.GET('/status/{requestId}', {
      params: { path: { requestId } },
    });
    if (data && (data.status === 'Completed' || data.status === 'Failed')) return data;
    await sleep(POLL_INTERVAL_MS);
  }
  return null;
}

function outcome(status: RequestStatusResponse, elapsedMs: number): string[] {
  const { total, succeeded, failed } = status.progress;
  const seconds = (elapsedMs / 1000).toFixed(1);
  const failures = status.images.items
    .filter((image) => image.error)
    .map((image) => `  ${image.input_url}: ${image.error}`);
  return [
    `${status.status} in ${seconds} s: ${succeeded} of ${total} images succeeded` +
      (failed > 0 ? `, ${failed} failed:` : '.'),
    ...failures,
    ...(status.output_csv_url ? [`  Output CSV:  ${status.output_csv_url}`] : []),
  ];
}

function formatsOf(images: readonly SampleImage[]): string {
  const counts = new Map<string, number>();
  for (const { contentType } of images) {
    const format = contentType.replace('image/', '').toUpperCase().replace('WEBP', 'WebP');
    counts.set(format, (counts.get(format) ?? 0) + 1);
  }
  return [...counts]
    .sort(([, left], [, right]) => right - left)
    .map(([format, count]) => `${count} ${format}`)
    .join(', ');
}

main().catch((error: unknown) => {
  const unexpected = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`\n${error instanceof DemoError ? error.message : unexpected}\n`);
  // The service's connections and timers would keep a half-started process alive.
  process.exit(1);
});
