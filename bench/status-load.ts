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

function figures(url: string, connections: number, seconds: number, result: autocannon.Result) {
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

/** Hammers one URL with `connections` keep-alive connections for `seconds`. */
export async function loadUrl(
  url: string,
  seconds: number,
  connections = 10,
): Promise<StatusLoadFigures> {
  const result = await autocannon({ url, connections, duration: seconds, timeout: 20 });
  return figures(url, connections, seconds, result);
}

/**
 * GET /status of one request, each call for a page of 100 images at a random place in it, so
 * that the far end of a large request is read as often as its start.
 */
export async function loadRandomPages(
  baseUrl: string,
  requestId: string,
  images: number,
  seconds: number,
  connections = 10,
): Promise<StatusLoadFigures> {
  const path = `/status/${requestId}`;
  const result = await autocannon({
    url: `${baseUrl}${path}`,
    connections,
    duration: seconds,
    timeout: 20,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          path: `${path}?limit=100&after=${Math.floor(Math.random() * Math.max(1, images - 100))}`,
        }),
      },
    ],
  });
  return figures(`${baseUrl}${path}?limit=100&after=<random>`, connections, seconds, result);
}
