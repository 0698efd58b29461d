import autocannon from 'autocannon';

export interface StatusLoadFigures {
  url: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** Hammers one URL with `connections` keep-alive connections for `seconds`. */
export async function loadUrl(
  url: string,
  seconds: number,
  connections = 10,
): Promise<StatusLoadFigures> {
  const result = await autocannon({ url, connections, duration: seconds, timeout: 20 });
  return {
    url,
    connections,
    seconds,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
