/**
 * A catalog that comes back: the same CSV of distinct photos uploaded four times to one service,
 * from an origin that sends `ETag` and `Last-Modified` (the fourth time, none). Measured per run:
 * the origin's body bytes, the service's CPU seconds and wall time, how many images were encoded
 * and how many reused, and the CPU per reused image.
 *
 * 1. first: nothing is known; every image is downloaded and encoded;
 * 2. nothing changed: every URL answers 304;
 * 3. a tenth of the images have new bytes and a new ETag: exactly those are encoded;
 * 4. nothing changed, but the origin sends no validators: every body is downloaded, and its
 *    hash finds the stored result; nothing is encoded.
 */
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { photo } from '../test/helpers/fixture-images';
import { ValidatingImageServer } from '../test/helpers/validating-image-server';
import { CatalogServices } from './catalog';
import { productsCsv, uploadCsv, waitUntilFinished } from './service-batch';
import { ServiceProcess } from './service-process';
import { runPool } from './stats';

const WIDTH = 640;
const HEIGHT = 480;
const URLS_PER_ROW = 3;
const CHANGED_SHARE = 0.1;
const RUN_TIMEOUT_MS = 30 * 60_000;

export interface RerunFigures {
  run: number;
  change: string;
  images: number;
  wallSeconds: number;
  cpuSeconds: number;
  originBodyBytes: number;
  originRequests: number;
  encoded: number;
  reusedNotModified: number;
  reusedSameBytes: number;
  /** CPU of the run divided by its reused images; null when none was reused. */
  cpuMsPerReusedImage: number | null;
  /** This run's CPU and wall time as a share of the first run's. */
  cpuShareOfFirst: number;
  wallShareOfFirst: number;
}

export interface CatalogRerunFigures {
  images: number;
  width: number;
  height: number;
  runs: RerunFigures[];
}

const jpegOf = (seed: number): Promise<Buffer> =>
  photo(WIDTH, HEIGHT, seed).jpeg({ quality: 90, quantisationTable: 0 }).toBuffer();

async function drawAll(seeds: readonly number[]): Promise<Buffer[]> {
  const bodies: Buffer[] = [];
  await runPool(seeds, 4, async (seed, index) => {
    bodies[index] = await jpegOf(seed);
  });
  return bodies;
}

interface ImageCounts {
  encoded: number;
  reusedNotModified: number;
  reusedSameBytes: number;
}

/** Reads how each image of the request ended, straight from the service's SQLite file. */
function countImages(sqlitePath: string, requestId: string): ImageCounts {
  const database = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const rows = database
      .prepare(
        `SELECT i.reuse_reason AS reason, COUNT(*) AS images
           FROM images i JOIN image_processing_requests r ON r.id = i.request_pk
          WHERE r.request_id = ? AND i.status = 'Completed'
          GROUP BY i.reuse_reason`,
      )
      .all(requestId) as { reason: string | null; images: number }[];
    const of = (reason: string | null) => rows.find((row) => row.reason === reason)?.images ?? 0;
    return {
      encoded: of(null),
      reusedNotModified: of('not-modified'),
      reusedSameBytes: of('same-bytes'),
    };
  } finally {
    database.close();
  }
}

export async function measureCatalogRerun(
  services: CatalogServices,
  images: number,
  log: (message: string) => void,
): Promise<CatalogRerunFigures> {
  log(`catalog re-run: drawing ${images} distinct ${WIDTH}×${HEIGHT} photos`);
  const seeds = Array.from({ length: images }, (_, index) => index + 1);
  const bodies = await drawAll(seeds);
  const origin = await new ValidatingImageServer().start();
  const { service, stop } = await services.start('catalog re-run', {
    MODE: 'all',
    REUSE_RESULTS: 'true',
  });
  try {
    const paths = seeds.map((seed) => `/rerun/${seed}.jpg`);
    const serveAll = (validators: boolean) =>
      paths.map((path, index) =>
        origin.set(path, { body: bodies[index], contentType: 'image/jpeg', validators }),
      );
    const urls = serveAll(true);
    const csv = productsCsv(urls, URLS_PER_ROW);
    const runs: RerunFigures[] = [];
    const measure = async (run: number, change: string): Promise<void> => {
      const figures = await measureRun(service, origin, csv, images);
      const first = runs[0] ?? { cpuSeconds: figures.cpuSeconds, wallSeconds: figures.wallSeconds };
      const reused = figures.reusedNotModified + figures.reusedSameBytes;
      const result: RerunFigures = {
        run,
        change,
        images,
        ...figures,
        cpuMsPerReusedImage: reused > 0 ? (figures.cpuSeconds * 1000) / reused : null,
        cpuShareOfFirst: figures.cpuSeconds / first.cpuSeconds,
        wallShareOfFirst: figures.wallSeconds / first.wallSeconds,
      };
      runs.push(result);
      log(
        `catalog re-run ${run} (${change}): ${result.wallSeconds.toFixed(1)} s, ` +
          `CPU ${result.cpuSeconds.toFixed(1)} s, origin ${result.originBodyBytes} bytes, ` +
          `${result.encoded} encoded, ${reused} reused`,
      );
    };

    await measure(1, 'first upload');
    await measure(2, 'nothing');
    const changed = Math.round(images * CHANGED_SHARE);
    const changedSeeds = seeds.slice(0, changed).map((seed) => seed + images);
    const changedBodies = await drawAll(changedSeeds);
    changedBodies.forEach((body, index) =>
      origin.set(paths[index], { body, contentType: 'image/jpeg', validators: true }),
    );
    await measure(3, `${changed} images with new bytes and ETag`);
    changedBodies.forEach((body, index) => (bodies[index] = body));
    serveAll(false);
    await measure(4, 'nothing; no validators sent');
    return { images, width: WIDTH, height: HEIGHT, runs };
  } finally {
    await stop();
    await origin.stop();
  }
}

async function measureRun(
  service: ServiceProcess,
  origin: ValidatingImageServer,
  csv: string,
  images: number,
): Promise<
  Omit<
    RerunFigures,
    'run' | 'change' | 'images' | 'cpuMsPerReusedImage' | 'cpuShareOfFirst' | 'wallShareOfFirst'
  >
> {
  const bytesBefore = origin.bodyBytes();
  const requestsBefore = origin.served.length;
  const cpuBefore = service.cpuMs();
  const start = performance.now();
  const upload = await uploadCsv(service.baseUrl, csv, 60_000);
  if (!upload.requestId) {
    throw new Error(`POST /upload answered ${upload.httpStatus}: ${upload.body}`);
  }
  const finished = await waitUntilFinished(service.baseUrl, upload.requestId, RUN_TIMEOUT_MS);
  const wallSeconds = (performance.now() - start) / 1000;
  const cpuSeconds = (service.cpuMs() - cpuBefore) / 1000;
  if (finished.progress.failed > 0 || finished.progress.total !== images) {
    throw new Error(`The run ended with ${finished.progress.failed} of ${images} images failed`);
  }
  return {
    wallSeconds,
    cpuSeconds,
    originBodyBytes: origin.bodyBytes() - bytesBefore,
    originRequests: origin.served.length - requestsBefore,
    ...countImages(service.env.SQLITE_PATH, upload.requestId),
  };
}
