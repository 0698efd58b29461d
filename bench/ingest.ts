/**
 * A large upload: a CSV of many products, three image URLs each, sent to a service in MODE=api,
 * so that nothing is downloaded and the figures are parse + store + enqueue alone.
 */
import { performance } from 'node:perf_hooks';
import { MemorySampler, redisUsedMemory, ServiceProcess } from './service-process';
import { productsCsv, uploadCsv, UploadOutcome } from './service-batch';
import { sleep } from '../test/helpers/wait-for';

export interface IngestFigures {
  rows: number;
  urlsPerRow: number;
  csvBytes: number;
  httpStatus: number;
  requestId: string | null;
  /** Error body when the upload was not accepted. */
  error: string | null;
  msTo202: number;
  baselineRssBytes: number;
  /** Highest VmRSS sampled every 50 ms during the upload. */
  peakSampledRssBytes: number;
  /** VmHWM after the upload: the true peak since the process started. */
  peakRssBytes: number;
  rssAfterBytes: number;
  rssSamples: number;
  redisBytesAdded: number;
  /** One GET /status of the stored request, unloaded. */
  firstStatusMs: number | null;
}

/** URLs under the bench's loopback server that are never fetched. */
export function ingestCsv(baseUrl: string, rows: number, urlsPerRow: number): string {
  const urls: string[] = [];
  for (let row = 1; row <= rows; row++) {
    for (let position = 1; position <= urlsPerRow; position++) {
      urls.push(`${baseUrl}/ingest/p${row}-${position}.jpg`);
    }
  }
  return productsCsv(urls, urlsPerRow);
}

export async function measureIngest(
  service: ServiceProcess,
  csv: string,
  rows: number,
  urlsPerRow: number,
  redisUrl: string,
): Promise<IngestFigures> {
  await sleep(1000); // let start-up garbage settle before the baseline
  const baseline = service.memory();
  const redisBefore = await redisUsedMemory(redisUrl);
  const sampler = new MemorySampler(service, 50);
  sampler.start();
  let upload: UploadOutcome;
  try {
    upload = await uploadCsv(service.baseUrl, csv, 180_000);
    await sleep(250); // a peak may come as the response is sent and buffers are freed
  } finally {
    sampler.stop();
  }
  const after = service.memory();
  const redisAfter = await redisUsedMemory(redisUrl);

  let firstStatusMs: number | null = null;
  if (upload.requestId) {
    const start = performance.now();
    const response = await fetch(`${service.baseUrl}/status/${upload.requestId}`, {
      signal: AbortSignal.timeout(60_000),
    });
    await response.arrayBuffer();
    firstStatusMs = performance.now() - start;
  }

  return {
    rows,
    urlsPerRow,
    csvBytes: Buffer.byteLength(csv),
    httpStatus: upload.httpStatus,
    requestId: upload.requestId,
    error: upload.requestId ? null : upload.body,
    msTo202: upload.ms,
    baselineRssBytes: baseline.rssBytes,
    peakSampledRssBytes: sampler.peakRssBytes,
    peakRssBytes: after.peakRssBytes,
    rssAfterBytes: after.rssBytes,
    rssSamples: sampler.samples,
    redisBytesAdded: redisAfter - redisBefore,
    firstStatusMs,
  };
}
