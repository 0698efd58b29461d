import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UNSAFE_ADDRESS_CODE } from './guarded-agent';
import { OutboundHttp } from './outbound-http';

interface Asked {
  method: string | undefined;
  url: string | undefined;
  ifNoneMatch: string | undefined;
}

describe('OutboundHttp.head', () => {
  let server: http.Server;
  let base: string;
  const asked: Asked[] = [];
  const slow: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      asked.push({
        method: request.method,
        url: request.url,
        ifNoneMatch: request.headers['if-none-match'],
      });
      const hops = /^\/hops\/(\d+)$/.exec(request.url ?? '');
      if (hops && Number(hops[1]) > 0) {
        response.writeHead(302, { location: `/hops/${Number(hops[1]) - 1}` }).end();
      } else if (request.url === '/to-ftp') {
        response.writeHead(301, { location: 'ftp://example.com/photo.jpg' }).end();
      } else if (request.url === '/to-other-loopback') {
        const { port } = server.address() as AddressInfo;
        response.writeHead(302, { location: `http://127.0.0.2:${port}/hops/0` }).end();
      } else if (request.url === '/slow') {
        slow.push(setTimeout(() => response.writeHead(304).end(), 2000));
      } else {
        response.writeHead(304, { etag: '"v1"' }).end();
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    slow.forEach(clearTimeout);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => (asked.length = 0));

  const open = new OutboundHttp({ allowPrivateNetworks: true, allowedHosts: [] });
  const options = { headers: { 'If-None-Match': '"v1"' }, timeoutMs: 1000, maxRedirects: 2 };

  it('follows redirects up to the limit, asking every hop with the same headers', async () => {
    const answer = await open.head(`${base}/hops/2`, options);

    expect(answer.status).toBe(304);
    expect(answer.headers.etag).toBe('"v1"');
    expect(asked).toEqual(
      ['/hops/2', '/hops/1', '/hops/0'].map((url) => ({
        method: 'HEAD',
        url,
        ifNoneMatch: '"v1"',
      })),
    );
  });

  it('gives up after too many redirects', async () => {
    await expect(open.head(`${base}/hops/3`, options)).rejects.toThrow('Too many redirects');
    expect(asked).toHaveLength(3);
  });

  it('follows no redirect to a protocol other than HTTP(S)', async () => {
    await expect(open.head(`${base}/to-ftp`, options)).rejects.toThrow('Unsupported protocol');
  });

  it('gives up when the answer takes longer than the timeout', async () => {
    const started = performance.now();
    await expect(open.head(`${base}/slow`, { ...options, timeoutMs: 200 })).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('connects through the guarded agents, for the first hop and every redirect', async () => {
    const guarded = new OutboundHttp({ allowPrivateNetworks: false, allowedHosts: [] });
    await expect(guarded.head(`${base}/hops/0`, options)).rejects.toMatchObject({
      code: UNSAFE_ADDRESS_CODE,
    });
    const allowingOne = new OutboundHttp({
      allowPrivateNetworks: false,
      allowedHosts: ['127.0.0.1'],
    });
    await expect(allowingOne.head(`${base}/to-other-loopback`, options)).rejects.toMatchObject({
      code: UNSAFE_ADDRESS_CODE,
    });
    expect(asked.map((request) => request.url)).toEqual(['/to-other-loopback']);
  });
});
