import request from 'supertest';
import { DataSource } from 'typeorm';
import { waitFor } from './wait-for';

export interface ImageResult {
  row: number;
  position: number;
  input_url: string;
  status: string;
  output_url: string | null;
  error: string | null;
  format: string | null;
  source_quality: number | null;
  target_quality: number | null;
  bytes_in: number | null;
  bytes_out: number | null;
  skip_reason: string | null;
}

export interface StatusBody {
  request_id: string;
  status: string;
  progress: {
    total: number;
    processed: number;
    succeeded: number;
    failed: number;
    cancelled: number;
  };
  retries: number;
  output_csv_url: string | null;
  images: { total: number; items: ImageResult[] };
}

export type Headers = Record<string, string>;

/** Uploads a CSV over real HTTP, expects 202 and returns the request id. */
export async function uploadCsv(
  baseUrl: string,
  csv: string | Buffer,
  {
    webhookUrl,
    headers = {},
    refresh = false,
    variants,
  }: { webhookUrl?: string; headers?: Headers; refresh?: boolean; variants?: string } = {},
): Promise<string> {
  const upload = request(baseUrl).post('/upload').set(headers);
  if (webhookUrl) void upload.field('webhook_url', webhookUrl);
  if (refresh) void upload.field('refresh', 'true');
  if (variants !== undefined) void upload.field('variants', variants);
  const response = await upload
    .attach('file', Buffer.from(csv), { filename: 'products.csv', contentType: 'text/csv' })
    .expect(202);
  return (response.body as { request_id: string }).request_id;
}

export async function getStatus(
  baseUrl: string,
  requestId: string,
  headers: Headers = {},
): Promise<StatusBody> {
  const response = await request(baseUrl).get(`/status/${requestId}`).set(headers).expect(200);
  return response.body as StatusBody;
}

/**
 * Polls the status until the request is Completed, Failed or Cancelled; fails only if no image is
 * processed for a long while, however long the whole request takes.
 */
export function waitUntilFinished(
  baseUrl: string,
  requestId: string,
  headers: Headers = {},
): Promise<StatusBody> {
  let last: StatusBody | undefined;
  return waitFor(
    async () => {
      last = await getStatus(baseUrl, requestId, headers);
      return ['Completed', 'Failed', 'Cancelled'].includes(last.status) ? last : undefined;
    },
    {
      what: `request ${requestId} to finish`,
      progress: () => last && { status: last.status, processed: last.progress.processed },
    },
  );
}

export interface WebhookDeliveryRow {
  attempt: number;
  status_code: number | null;
  outcome: string;
  error: string | null;
}

/** The recorded webhook delivery attempts of a request, in order. */
export async function webhookDeliveries(
  dataSource: DataSource,
  requestId: string,
): Promise<WebhookDeliveryRow[]> {
  const rows = await dataSource
    .createQueryBuilder()
    .select([
      'd.attempt AS attempt',
      'd.status_code AS status_code',
      'd.outcome AS outcome',
      'd.error AS error',
    ])
    .from('webhook_deliveries', 'd')
    .innerJoin('image_processing_requests', 'r', 'r.id = d.request_pk')
    .where('r.request_id = :requestId', { requestId })
    .orderBy('d.attempt')
    .getRawMany<WebhookDeliveryRow>();
  // PostgreSQL's driver may hand integers back as strings.
  return rows.map((row) => ({
    ...row,
    attempt: Number(row.attempt),
    status_code: row.status_code === null ? null : Number(row.status_code),
  }));
}

interface OwedRow {
  webhook_status: string | null;
  owed: number | string;
}

/**
 * Waits until a finished request owes nothing more: its webhook delivered or given up, and no
 * entry left for it in the outbox. A webhook is sent only while it is pending, so nothing more
 * arrives for the request after this, and its recorded deliveries, returned, are final.
 */
export async function waitUntilNothingOwed(
  dataSource: DataSource,
  requestId: string,
): Promise<WebhookDeliveryRow[]> {
  let reading: OwedRow | undefined;
  await waitFor(
    async () => {
      reading = await dataSource
        .createQueryBuilder()
        .select('r.webhook_status', 'webhook_status')
        .addSelect(
          (owed) => owed.select('COUNT(*)').from('outbox', 'o').where('o.request_pk = r.id'),
          'owed',
        )
        .from('image_processing_requests', 'r')
        .where('r.request_id = :requestId', { requestId })
        .getRawOne<OwedRow>();
      return (
        reading !== undefined &&
        ['delivered', 'failed'].includes(reading.webhook_status ?? '') &&
        Number(reading.owed) === 0
      );
    },
    {
      what: () => `request ${requestId} to owe nothing (${JSON.stringify(reading)})`,
      progress: async () => (await webhookDeliveries(dataSource, requestId)).length,
    },
  );
  return webhookDeliveries(dataSource, requestId);
}
