/**
 * A large catalog: a CSV of `rows` products with three image URLs each, uploaded to a service in
 * MODE=api, then processed for a while by a worker. Measured: the time to 202 and the API's
 * memory (the upload is streamed, so both should not depend on the CSV's size beyond storing
 * it), Redis's memory (the dispatcher queues a bounded window, whatever the backlog), and
 * GET /status of pages all over the stored request, with the API apart from the workers.
 */
import { sleep } from '../test/helpers/wait-for';
import { Env } from './options';
import { productsCsv, uploadCsv } from './service-batch';
import { MemorySampler, redisUsedMemory, ServiceProcess } from './service-process';
import { loadRandomPages, StatusLoadFigures } from './status-load';

export const URLS_PER_ROW = 3;
const PROCESSING_SECONDS = 15;
const UPLOAD_TIMEOUT_MS = 600_000;

export interface CatalogFigures {
  rows: number;
  urlsPerRow: number;
  csvBytes: number;
  httpStatus: number;
  requestId: string | null;
  error: string | null;
  msTo202: number;
  /** CPU the API spent from the upload's first byte to its `202`. */
  uploadCpuMs: number;
  apiBaselineRssBytes: number;
  /** VmHWM after the upload: the API's true peak since it started. */
  apiPeakRssBytes: number;
  redisBaselineBytes: number;
  /** Highest Redis used memory while a worker processed the request. */
  redisPeakBytes: number;
  imagesProcessedMeanwhile: number;
  status: StatusLoadFigures | null;
  /** CPU the API spent per status answer under that load. */
  statusCpuMsPerRequest: number | null;
}

export interface CatalogServices {
  start(
    label: string,
    overrides: Env,
    alongside?: ServiceProcess,
  ): Promise<{ service: ServiceProcess; stop: () => Promise<void> }>;
}

/** Image URLs under the bench's image server that answer 404 at once: failures are quick. */
export function catalogCsv(baseUrl: string, rows: number): string {
  const urls: string[] = [];
  for (let row = 1; row <= rows; row++) {
    for (let position = 1; position <= URLS_PER_ROW; position++) {
      urls.push(`${baseUrl}/catalog/p${row}-${position}.jpg`);
    }
  }
  return productsCsv(urls, URLS_PER_ROW);
}

export async function measureCatalog(
  services: CatalogServices,
  imageServerUrl: string,
  rows: number,
  statusSeconds: number,
  redisUrl: string,
  log: (message: string) => void,
): Promise<CatalogFigures> {
  const csv = catalogCsv(imageServerUrl, rows);
  const { service: api, stop: stopApi } = await services.start(`catalog-${rows}-api`, {
    MODE: 'api',
  });
  try {
    await sleep(1000); // start-up garbage settles before the baseline
    const baseline = api.memory();
    const redisBaselineBytes = await redisUsedMemory(redisUrl);
    log(`catalog ${rows}: uploading ${(Buffer.byteLength(csv) / 1e6).toFixed(0)} MB`);
    const sampler = new MemorySampler(api, 50);
    const uploadCpuBefore = api.cpuMs();
    sampler.start();
    const upload = await uploadCsv(api.baseUrl, csv, UPLOAD_TIMEOUT_MS).finally(() =>
      sampler.stop(),
    );
    const figures: CatalogFigures = {
      rows,
      urlsPerRow: URLS_PER_ROW,
      csvBytes: Buffer.byteLength(csv),
      httpStatus: upload.httpStatus,
      requestId: upload.requestId,
      error: upload.requestId ? null : upload.body,
      msTo202: upload.ms,
      uploadCpuMs: api.cpuMs() - uploadCpuBefore,
      apiBaselineRssBytes: baseline.rssBytes,
      apiPeakRssBytes: api.memory().peakRssBytes,
      redisBaselineBytes,
      redisPeakBytes: redisBaselineBytes,
      imagesProcessedMeanwhile: 0,
      status: null,
      statusCpuMsPerRequest: null,
    };
    if (!upload.requestId) return figures;

    log(`catalog ${rows}: a worker processes it for ${PROCESSING_SECONDS} s`);
    Object.assign(figures, await processForAWhile(services, api, upload.requestId, rows, redisUrl));

    log(`catalog ${rows}: GET /status pages under load`);
    const cpuBefore = api.cpuMs();
    figures.status = await loadRandomPages(
      api.baseUrl,
      upload.requestId,
      rows * URLS_PER_ROW,
      statusSeconds,
    );
    figures.statusCpuMsPerRequest =
      figures.status.requests > 0 ? (api.cpuMs() - cpuBefore) / figures.status.requests : null;
    return figures;
  } finally {
    await stopApi();
  }
}

async function processForAWhile(
  services: CatalogServices,
  api: ServiceProcess,
  requestId: string,
  rows: number,
  redisUrl: string,
): Promise<Pick<CatalogFigures, 'redisPeakBytes' | 'imagesProcessedMeanwhile'>> {
  const { stop } = await services.start(`catalog-${rows}-worker`, { MODE: 'worker' }, api);
  let redisPeakBytes = 0;
  try {
    const deadline = Date.now() + PROCESSING_SECONDS * 1000;
    while (Date.now() < deadline) {
      redisPeakBytes = Math.max(redisPeakBytes, await redisUsedMemory(redisUrl));
      await sleep(500);
    }
  } finally {
    await stop();
  }
  const response = await fetch(`${api.baseUrl}/status/${requestId}?limit=1`);
  const { progress } = (await response.json()) as { progress: { processed: number } };
  return { redisPeakBytes, imagesProcessedMeanwhile: progress.processed };
}
