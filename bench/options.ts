/** The bench's settings, from the environment (see the comment at the top of run.ts). */
export type Env = Record<string, string>;

export interface BenchOptions {
  images: number;
  rounds: number;
  /** Sizes of the catalog scenario, in rows of three URLs; empty skips it. */
  catalogRows: number[];
  /** Images of the request whose deletion is timed; 0 skips it. */
  deleteImages: number;
  /** Images of the catalog uploaded again and again; 0 skips it. */
  rerunImages: number;
  /** The first images of the corpus given WebP and AVIF variants. */
  variantImages: number;
  statusSeconds: number;
  timeoutSeconds: number;
  redisUrl: string;
  /** Run only the phases whose name starts with one of these; all when empty. */
  only: string[];
  /** Settings given to every service the bench starts. */
  serviceOverrides: Env;
}

function integer(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer ≥ ${min}, not "${raw}"`);
  }
  return value;
}

function integerList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '' && item !== '0')
    .map((item) => {
      const value = Number(item);
      if (!Number.isInteger(value) || value < 1) {
        throw new Error(`${name} must be comma-separated row counts, not "${raw}"`);
      }
      return value;
    });
}

function keyValuePairs(name: string): Env {
  const pairs: Env = {};
  for (const pair of (process.env[name] ?? '').split(/[\s,]+/).filter(Boolean)) {
    const equals = pair.indexOf('=');
    if (equals < 1) throw new Error(`${name}: "${pair}" is not KEY=VALUE`);
    pairs[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return pairs;
}

export function readOptions(): BenchOptions {
  return {
    images: integer('BENCH_IMAGES', 60, 8),
    rounds: integer('BENCH_ROUNDS', 3, 1),
    catalogRows: integerList('BENCH_CATALOG_ROWS', [100_000, 1_000_000]),
    deleteImages: integer('BENCH_DELETE_IMAGES', 100_000, 0),
    rerunImages: integer('BENCH_RERUN_IMAGES', 2000, 0),
    variantImages: integer('BENCH_VARIANT_IMAGES', 20, 1),
    statusSeconds: integer('BENCH_STATUS_SECONDS', 10, 1),
    timeoutSeconds: integer('BENCH_TIMEOUT_SECONDS', 1500, 30),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    only: (process.env.BENCH_ONLY ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    serviceOverrides: keyValuePairs('BENCH_SERVICE_ENV'),
  };
}
