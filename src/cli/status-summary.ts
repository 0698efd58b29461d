import type { components, RequestStatusResponse } from '../client';
import { percentDone } from './progress-lines';

type ErrorDetail = components['schemas']['ErrorDetailDto'];
type WebhookState = components['schemas']['WebhookStateDto'];
type QualityScores = components['schemas']['QualityScoresDto'];
type VariantCounts = components['schemas']['VariantCountsDto'];

/** `2025-11-25 10:00:05 UTC` from an ISO timestamp. */
export function formatTimestamp(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `1.5 MB`, in powers of 1000 as file managers show them. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** One problem the service reported: `line 3, column "Product Name": Product name is missing`. */
export function formatProblem({ line, column, field, message }: ErrorDetail): string {
  const where = [
    line === undefined ? undefined : `line ${line}`,
    column ? `column "${column}"` : undefined,
    field === undefined ? undefined : field,
  ].filter((part) => part !== undefined);
  return where.length > 0 ? `${where.join(', ')}: ${message}` : message;
}

/** The state of a request as aligned `Label  value` lines, for a person. */
export function formatStatusSummary(status: RequestStatusResponse): string[] {
  const { total, processed, succeeded, failed, pending, reused } = status.progress;
  const counts = [`${succeeded} succeeded`, `${failed} failed`];
  if (pending > 0) counts.push(`${pending} pending`);
  const rows: [string, string | undefined][] = [
    ['Request', status.request_id],
    ['Status', status.status],
    [
      'Images',
      `${processed}/${total} processed (${percentDone(status.progress)}%): ${counts.join(', ')}`,
    ],
    ['Reused', reused > 0 ? formatReused(reused, succeeded) : undefined],
    ['Created', formatTimestamp(status.created_at)],
    ['Finished', status.completed_at ? formatTimestamp(status.completed_at) : undefined],
    ['Scores', status.scores ? formatScores(status.scores) : undefined],
    ['Variants', status.variants ? formatVariants(status.variants) : undefined],
    ['Output CSV', status.output_csv_url ?? undefined],
    ['Report', status.report_csv_url ?? undefined],
    ['Webhook', status.webhook ? formatWebhook(status.webhook) : undefined],
  ];
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length)) + 2;
  return shown.map(([label, value]) => `${label.padEnd(width)}${value}`);
}

function formatReused(reused: number, succeeded: number): string {
  return `${reused} of ${succeeded} results copied from earlier requests, not encoded again`;
}

function formatScores({ scored, mean, min }: QualityScores): string {
  const images = `${scored} image${scored === 1 ? '' : 's'}`;
  return `mean ${mean.toFixed(4)}, lowest ${min.toFixed(4)} (SSIM against the source, ${images})`;
}

function formatVariants({ formats, total, processed, kept, dropped }: VariantCounts): string {
  const asked = formats.map((format) => (format === 'avif' ? 'AVIF' : 'WebP')).join(' and ');
  const pending = total - processed;
  const counts = [`${kept} kept`, `${dropped} dropped`];
  if (pending > 0) counts.push(`${pending} pending`);
  return `${asked}: ${counts.join(', ')} (a variant is kept when smaller at the same score)`;
}

function formatWebhook(webhook: WebhookState): string {
  const attempts = `${webhook.attempts} attempt${webhook.attempts === 1 ? '' : 's'}`;
  const state = (() => {
    switch (webhook.status) {
      case null:
        return 'sent once the request finishes';
      case 'delivered':
        return `delivered (${attempts})`;
      case 'failed':
        return `failed after ${attempts}`;
      case 'pending':
        return webhook.next_attempt_at
          ? `pending, next attempt at ${formatTimestamp(webhook.next_attempt_at)}`
          : 'pending';
    }
  })();
  const lastError =
    webhook.last_error && webhook.status !== 'delivered'
      ? `; last error: ${webhook.last_error}`
      : '';
  return `${webhook.url}: ${state}${lastError}`;
}
