import type { RequestStatusResponse } from '../client';
import { formatBytes, formatProblem, formatStatusSummary, formatTimestamp } from './status-summary';

const REQUEST_ID = '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a';

const status = (overrides: Partial<RequestStatusResponse> = {}): RequestStatusResponse => ({
  request_id: REQUEST_ID,
  status: 'Processing',
  file_name: 'products.csv',
  progress: {
    total: 6,
    processed: 4,
    succeeded: 3,
    failed: 1,
    cancelled: 0,
    pending: 2,
    percent: 66.7,
    reused: 0,
  },
  retries: 0,
  cancelled_at: null,
  created_at: '2025-11-25T10:00:00.000Z',
  updated_at: '2025-11-25T10:00:05.000Z',
  completed_at: null,
  scores: null,
  variants: null,
  output_csv_url: null,
  report_csv_url: null,
  webhook_url: null,
  webhook: null,
  images: { items: [], limit: 100, next: null, page: 1, total: 6 },
  ...overrides,
});

describe('status summary', () => {
  it('shows a running request without what it does not have yet', () => {
    expect(formatStatusSummary(status())).toEqual([
      `Request  ${REQUEST_ID}`,
      'Status   Processing',
      'Images   4/6 processed (66%): 3 succeeded, 1 failed, 2 pending',
      'Created  2025-11-25 10:00:00 UTC',
    ]);
  });

  it('shows a finished request with its scores, output CSV, report and webhook', () => {
    const finished = status({
      status: 'Completed',
      progress: {
        total: 6,
        processed: 6,
        succeeded: 5,
        failed: 1,
        cancelled: 0,
        pending: 0,
        percent: 100,
        reused: 4,
      },
      completed_at: '2025-11-25T10:00:12.000Z',
      scores: { scored: 5, mean: 0.97, min: 0.9411 },
      variants: { formats: ['webp', 'avif'], total: 10, processed: 10, kept: 7, dropped: 3 },
      output_csv_url: `http://localhost:3000/status/${REQUEST_ID}/output.csv`,
      report_csv_url: `http://localhost:3000/status/${REQUEST_ID}/report.csv`,
      webhook_url: 'https://hooks.example.com/done',
      webhook: {
        url: 'https://hooks.example.com/done',
        status: 'pending',
        attempts: 2,
        last_error: 'HTTP 503',
        next_attempt_at: '2025-11-25T10:05:12.000Z',
      },
    });

    expect(formatStatusSummary(finished)).toEqual([
      `Request     ${REQUEST_ID}`,
      'Status      Completed',
      'Images      6/6 processed (100%): 5 succeeded, 1 failed',
      'Reused      4 of 5 results copied from earlier requests, not encoded again',
      'Created     2025-11-25 10:00:00 UTC',
      'Finished    2025-11-25 10:00:12 UTC',
      'Scores      mean 0.9700, lowest 0.9411 (SSIM against the source, 5 images)',
      'Variants    WebP and AVIF: 7 kept, 3 dropped (a variant is kept when smaller at the same score)',
      `Output CSV  http://localhost:3000/status/${REQUEST_ID}/output.csv`,
      `Report      http://localhost:3000/status/${REQUEST_ID}/report.csv`,
      'Webhook     https://hooks.example.com/done: pending, next attempt at 2025-11-25 10:05:12 UTC; last error: HTTP 503',
    ]);
  });

  it.each<[NonNullable<RequestStatusResponse['webhook']>, string]>([
    [
      {
        url: 'https://h.example',
        status: null,
        attempts: 0,
        last_error: null,
        next_attempt_at: null,
      },
      'https://h.example: sent once the request finishes',
    ],
    [
      {
        url: 'https://h.example',
        status: 'delivered',
        attempts: 1,
        last_error: null,
        next_attempt_at: null,
      },
      'https://h.example: delivered (1 attempt)',
    ],
    [
      {
        url: 'https://h.example',
        status: 'failed',
        attempts: 8,
        last_error: 'HTTP 410',
        next_attempt_at: null,
      },
      'https://h.example: failed after 8 attempts; last error: HTTP 410',
    ],
  ])('describes a webhook %#', (webhook, line) => {
    expect(formatStatusSummary(status({ webhook })).at(-1)).toBe(`Webhook  ${line}`);
  });

  it('places each CSV problem by line and column, or by field', () => {
    expect(
      formatProblem({ line: 3, column: 'Product Name', message: 'Product name is missing' }),
    ).toBe('line 3, column "Product Name": Product name is missing');
    expect(formatProblem({ line: 1, column: null, message: 'The file is empty' })).toBe(
      'line 1: The file is empty',
    );
    expect(formatProblem({ field: 'webhook_url', message: 'must be a URL' })).toBe(
      'webhook_url: must be a URL',
    );
    expect(formatProblem({ message: 'and 12 more problems' })).toBe('and 12 more problems');
  });

  it('writes times in UTC and sizes in decimal units', () => {
    expect(formatTimestamp('2025-11-25T10:00:05.123Z')).toBe('2025-11-25 10:00:05 UTC');
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(268_435_456)).toBe('268.4 MB');
  });
});
