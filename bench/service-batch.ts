/**
 * End to end through running service processes: POST /upload → dispatcher → queue → workers →
 * done, timed from just before the upload to the last image's `processed_at` as the worker
 * recorded it in SQLite.
 */
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { waitFor } from '../test/helpers/wait-for';
import { RunFigures, runFigures } from './figures';
import { ImageServer } from './image-server';
import { BenchImage } from './photo-corpus';
import { ServiceProcess } from './service-process';
import { MachineCpu } from './stats';

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
  const requestId =
    response.status === 202 ? (JSON.parse(body) as { request_id: string }).request_id : null;
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
    { timeoutMs, intervalMs: 500, what: `request ${requestId} to finish` },
  );
}

interface ImageRow {
  status: string;
  bytesOut: number | null;
  processedAt: string | null;
  error: string | null;
}

/** Reads the request's images straight from the service's SQLite file. */
function readImageRows(sqlitePath: string, requestId: string): ImageRow[] {
  const database = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    return database
      .prepare(
        `SELECT i.status, i.bytes_out AS bytesOut, i.processed_at AS processedAt, i.error
           FROM images i JOIN image_processing_requests r ON r.id = i.request_pk
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

export interface ServiceBatchFigures extends RunFigures {
  requestId: string;
  failed: number;
  errors: string[];
}

/**
 * Uploads the images as one CSV to `api` and waits until the service has processed them; CPU
 * is that of every process of the service (`processes`, the API among them).
 */
export async function measureServiceBatch(
  api: ServiceProcess,
  processes: readonly ServiceProcess[],
  server: ImageServer,
  images: readonly BenchImage[],
  batch: string,
  cores: number,
  timeoutMs: number,
): Promise<ServiceBatchFigures> {
  const urls = server.serve(batch, images);
  const csv = productsCsv(urls, 3);
  const cpuBefore = processes.map((process) => process.cpuMs());
  const machine = new MachineCpu();
  const startedAt = Date.now();
  const upload = await uploadCsv(api.baseUrl, csv, 60_000);
  if (!upload.requestId) {
    throw new Error(`POST /upload answered ${upload.httpStatus}: ${upload.body}`);
  }
  await waitUntilFinished(api.baseUrl, upload.requestId, timeoutMs);
  const machineBusyShare = machine.busyShare();
  const cpuMs = processes.reduce(
    (total, process, index) => total + process.cpuMs() - cpuBefore[index],
    0,
  );

  const rows = readImageRows(api.env.SQLITE_PATH, upload.requestId);
  const lastDone = Math.max(
    ...rows.map((row) => (row.processedAt ? parseSqliteDate(row.processedAt) : Number.NaN)),
  );
  const failed = rows.filter((row) => row.status !== 'Completed');
  const bytesOut = rows.reduce((total, row) => total + (row.bytesOut ?? 0), 0);
  return {
    requestId: upload.requestId,
    ...runFigures(
      images,
      { wallMs: lastDone - startedAt, cpuMs, machineBusyShare },
      cores,
      bytesOut,
    ),
    failed: failed.length,
    errors: failed.map((row) => row.error ?? row.status),
  };
}
