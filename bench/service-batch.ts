/**
 * End to end through the running service: POST /upload → queue → workers → done, timed from
 * just before the upload to each image's `processed_at` as the worker recorded it in SQLite.
 */
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { ImageServer } from './image-server';
import { sizeFigures, SizeFigures, throughput, ThroughputFigures } from './limit';
import { ServiceProcess } from './service-process';
import { waitFor } from '../test/helpers/wait-for';
import { latency, LatencyFigures, timed } from './stats';
import { loadUrl, StatusLoadFigures } from './status-load';
import { BenchImage } from './photo-corpus';

const FINISHED = new Set(['Completed', 'Failed']);

export interface UploadOutcome {
  httpStatus: number;
  ms: number;
  requestId: string | null;
  body: string;
}

/** `S. No.,Product Name,Input Image Urls` with up to `perRow` URLs in each product's cell. */
export function productsCsv(urls: readonly string[], perRow: number): string {
  const lines = ['S. No.,Product Name,Input Image Urls'];
  for (let start = 0, row = 1; start < urls.length; start += perRow, row++) {
    lines.push(`${row},Product ${row},"${urls.slice(start, start + perRow).join(', ')}"`);
  }
  return `${lines.join('\n')}\n`;
}

export async function uploadCsv(
  baseUrl: string,
  csv: string,
  timeoutMs: number,
): Promise<UploadOutcome> {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'products.csv');
  const start = performance.now();
  const response = await fetch(`${baseUrl}/upload`, {
    method: 'POST',
    body: form,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await response.text();
  const ms = performance.now() - start;
  let requestId: string | null = null;
  if (response.status === 202) {
    requestId = (JSON.parse(body) as { request_id: string }).request_id;
  }
  return { httpStatus: response.status, ms, requestId, body: body.slice(0, 2000) };
}

export interface StatusSnapshot {
  status: string;
  progress: { total: number; processed: number; failed: number };
}

export async function getStatus(baseUrl: string, requestId: string): Promise<StatusSnapshot> {
  const response = await fetch(`${baseUrl}/status/${requestId}?limit=1`, {
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`GET /status answered ${response.status}`);
  return (await response.json()) as StatusSnapshot;
}

export function waitUntilFinished(
  baseUrl: string,
  requestId: string,
  timeoutMs: number,
): Promise<StatusSnapshot> {
  return waitFor(
    async () => {
      const snapshot = await getStatus(baseUrl, requestId);
      return FINISHED.has(snapshot.status) ? snapshot : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `request ${requestId} to finish` },
  );
}

interface ImageRow {
  inputUrl: string;
  status: string;
  bytesIn: number | null;
  bytesOut: number | null;
  processedAt: string | null;
  error: string | null;
  skipReason: string | null;
}

/** Reads the request's images straight from the service's SQLite file. */
function readImageRows(sqlitePath: string, requestId: string): ImageRow[] {
  const database = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    return database
      .prepare(
        `SELECT i.input_url AS inputUrl, i.status, i.bytes_in AS bytesIn, i.bytes_out AS bytesOut,
                i.processed_at AS processedAt, i.error, i.skip_reason AS skipReason
           FROM images i JOIN image_processing_requests r ON r.id = i.request_id
          WHERE r.request_id = ?`,
      )
      .all(requestId) as ImageRow[];
  } finally {
    database.close();
  }
}

/** TypeORM stores SQLite datetimes as UTC `YYYY-MM-DD HH:MM:SS.SSS`, without a zone. */
function parseSqliteDate(value: string): number {
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  return Date.parse(/Z|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

export interface ServiceBatchFigures extends ThroughputFigures {
  requestId: string;
  uploadMs: number;
  /** Until GET /status first showed the request finished (includes finalising and polling). */
  doneObservedMs: number;
  completed: number;
  failed: number;
  errors: string[];
  /** From just before POST /upload to each image's processed_at. */
  latencyMs: LatencyFigures;
  /** From the worker's download request to processed_at: the work on one image. */
  workMs: LatencyFigures;
  /** From just before POST /upload to the worker's download request. */
  waitMs: LatencyFigures;
  serviceCpuMs: number;
  benchCpuMs: number;
  sizes: SizeFigures;
}

/** Uploads the images as one CSV and waits for the service to finish them. */
export async function measureServiceBatch(
  service: ServiceProcess,
  server: ImageServer,
  images: readonly BenchImage[],
  batch: string,
  cores: number,
  timeoutMs: number,
): Promise<ServiceBatchFigures> {
  const urls = server.serve(batch, images);
  const csv = productsCsv(urls, 3);
  const cpuBefore = service.cpuMs();
  const startedAt = Date.now();
  let upload: UploadOutcome | undefined;
  let doneObservedMs = 0;
  const bench = await timed(async () => {
    upload = await uploadCsv(service.baseUrl, csv, 60_000);
    if (!upload.requestId) {
      throw new Error(`POST /upload answered ${upload.httpStatus}: ${upload.body}`);
    }
    await waitUntilFinished(service.baseUrl, upload.requestId, timeoutMs);
    doneObservedMs = Date.now() - startedAt;
  });
  const serviceCpuMs = service.cpuMs() - cpuBefore;
  if (!upload?.requestId) throw new Error('The upload did not return a request id');

  const rows = readImageRows(service.env.SQLITE_PATH, upload.requestId);
  const byUrl = new Map(rows.map((row) => [row.inputUrl, row]));
  const processedAt = (url: string) => {
    const row = byUrl.get(url);
    if (!row?.processedAt) throw new Error(`Image ${url} has no processed_at`);
    return parseSqliteDate(row.processedAt);
  };
  const finishedAt = urls.map(processedAt);
  const downloadAt = urls.map((url) => server.firstHit(url) ?? Number.NaN);
  const lastMs = Math.max(...finishedAt) - startedAt;
  const completedRows = rows.filter((row) => row.status === 'Completed');

  return {
    requestId: upload.requestId,
    ...throughput(
      images,
      { wallMs: lastMs, cpuMs: serviceCpuMs, machineBusyShare: bench.machineBusyShare },
      cores,
    ),
    uploadMs: upload.ms,
    doneObservedMs,
    completed: completedRows.length,
    failed: rows.length - completedRows.length,
    errors: rows.flatMap((row) => (row.error ? [`${row.inputUrl}: ${row.error}`] : [])),
    latencyMs: latency(finishedAt.map((at) => at - startedAt)),
    workMs: latency(finishedAt.map((at, index) => at - downloadAt[index])),
    waitMs: latency(downloadAt.map((at) => at - startedAt)),
    serviceCpuMs,
    benchCpuMs: bench.cpuMs,
    sizes: sizeFigures(
      completedRows.map((row) => ({
        bytesIn: row.bytesIn ?? 0,
        bytesOut: row.bytesOut ?? 0,
        kept: row.skipReason !== null,
      })),
    ),
  };
}

export interface StatusDuringBatchFigures {
  load: StatusLoadFigures;
  /** Images processed while the load ran, and in all. */
  processedDuringLoad: number;
  images: number;
  /** Upload to finished, with the status load running for part of it. */
  batchMs: number;
}

/**
 * Uploads the images again and, while the workers process them, loads GET /status of that very
 * request: the status poll a client makes, competing with the work it reports on.
 */
export async function measureStatusDuringBatch(
  service: ServiceProcess,
  server: ImageServer,
  images: readonly BenchImage[],
  seconds: number,
  timeoutMs: number,
): Promise<StatusDuringBatchFigures> {
  const urls = server.serve('status-load', images);
  const startedAt = Date.now();
  const upload = await uploadCsv(service.baseUrl, productsCsv(urls, 3), 60_000);
  if (!upload.requestId) throw new Error(`POST /upload answered ${upload.httpStatus}`);
  const load = await loadUrl(`${service.baseUrl}/status/${upload.requestId}`, seconds);
  const afterLoad = await getStatus(service.baseUrl, upload.requestId);
  await waitUntilFinished(service.baseUrl, upload.requestId, timeoutMs);
  return {
    load,
    processedDuringLoad: afterLoad.progress.processed,
    images: images.length,
    batchMs: Date.now() - startedAt,
  };
}
