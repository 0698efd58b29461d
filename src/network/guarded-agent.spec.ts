import axios, { AxiosError, AxiosRequestConfig, AxiosResponse } from 'axios';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { classifyAddress } from './address-policy';
import {
  createGuardedAgents,
  GuardedAgentOptions,
  GuardedAgents,
  guardedAxiosConfig,
  LookupFunction,
  UnsafeAddressError,
} from './guarded-agent';

interface RecordedRequest {
  url: string | undefined;
  host: string | undefined;
}

/** A server on a loopback address that records what reaches it. */
interface LoopbackServer {
  readonly port: number;
  readonly requests: RecordedRequest[];
  connections: number;
  close(): Promise<void>;
}

async function startHttpServer(host: string): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((request, response) => {
    requests.push({ url: request.url, host: request.headers.host });
    if (request.url === '/redirect-to-secret') {
      response.writeHead(302, { location: `http://127.0.0.1:${record.port}/secret` }).end();
    } else if (request.url === '/redirect-to-image') {
      response.writeHead(302, { location: '/image' }).end();
    } else {
      response.end('ok');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const record: LoopbackServer = {
    port: (server.address() as AddressInfo).port,
    requests,
    connections: 0,
    close: () => closeServer(server),
  };
  server.on('connection', () => record.connections++);
  return record;
}

/** A TLS server without a certificate: it records the SNI name of each handshake, then aborts it. */
async function startTlsServer(): Promise<LoopbackServer & { serverNames: string[] }> {
  const serverNames: string[] = [];
  const server = tls.createServer({
    SNICallback: (serverName, callback) => {
      serverNames.push(serverName);
      callback(new Error('this test server has no certificate'), undefined);
    },
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const record = {
    port: (server.address() as AddressInfo).port,
    requests: [],
    connections: 0,
    serverNames,
    close: () => closeServer(server),
  };
  server.on('connection', () => record.connections++);
  return record;
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A resolver that knows only the given names, so no test ever asks real DNS. */
function fakeDns(records: Record<string, string[]>): jest.Mock<void, Parameters<LookupFunction>> {
  return sequentialDns((hostname) => records[hostname]);
}

function sequentialDns(
  answer: (hostname: string, call: number) => string[] | undefined,
): jest.Mock<void, Parameters<LookupFunction>> {
  let calls = 0;
  return jest.fn<void, Parameters<LookupFunction>>((hostname, _options, callback) => {
    const addresses = answer(hostname, calls++);
    setImmediate(() => {
      if (addresses) {
        callback(
          null,
          addresses.map((address) => ({ address, family: net.isIP(address) })),
        );
      } else {
        const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        error.code = 'ENOTFOUND';
        callback(error, []);
      }
    });
  });
}

const LOCAL_NAMES = { localhost: ['127.0.0.1', '::1'] };

/**
 * Every socket this suite opens is recorded here. Dialling anything but a loopback address (or a
 * Unix socket) throws instead of sending, so a broken guard fails a test without reaching 10.0.0.1.
 */
const dialled: string[] = [];
const originalConnect = net.Socket.prototype.connect;

function connectTarget(args: unknown[]): string {
  const [first, second] = args;
  const options: unknown = Array.isArray(first) ? first[0] : first;
  if (typeof options === 'string') return `unix:${options}`;
  if (typeof options === 'object' && options !== null) {
    const { host, path } = options as { host?: unknown; path?: unknown };
    if (typeof path === 'string') return `unix:${path}`;
    return typeof host === 'string' ? host : 'localhost';
  }
  return typeof second === 'string' ? second : 'localhost';
}

function isLoopbackOrUnix(target: string): boolean {
  if (target.startsWith('unix:')) return true;
  return classifyAddress(target).range === 'loopback';
}

const agentsInUse: GuardedAgents[] = [];

function agentsWith(options: Partial<GuardedAgentOptions>): GuardedAgents {
  const agents = createGuardedAgents({
    allowPrivateNetworks: false,
    allowedHosts: [],
    lookup: fakeDns(LOCAL_NAMES),
    ...options,
  });
  agentsInUse.push(agents);
  return agents;
}

function get(
  agents: GuardedAgents,
  url: string,
  config: AxiosRequestConfig = {},
): Promise<AxiosResponse<string>> {
  return axios.get<string>(url, {
    ...guardedAxiosConfig(agents),
    responseType: 'text',
    timeout: 5000,
    ...config,
  });
}

async function refusalOf(request: Promise<unknown>): Promise<UnsafeAddressError> {
  const error = await request.then(
    () => {
      throw new Error('expected the request to be refused, but it succeeded');
    },
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(AxiosError);
  const cause = (error as AxiosError).cause;
  expect(cause).toBeInstanceOf(UnsafeAddressError);
  return cause as UnsafeAddressError;
}

let ipv4Server: LoopbackServer;
let ipv6Server: LoopbackServer;
let tlsServer: LoopbackServer & { serverNames: string[] };

/** Fills in the ports of the loopback servers. */
function urlFor(template: string): string {
  return template
    .replace('{v4}', String(ipv4Server.port))
    .replace('{v6}', String(ipv6Server.port))
    .replace('{tls}', String(tlsServer.port));
}

beforeAll(async () => {
  net.Socket.prototype.connect = function connectToLoopbackOnly(
    this: net.Socket,
    ...args: unknown[]
  ): net.Socket {
    const target = connectTarget(args);
    dialled.push(target);
    if (!isLoopbackOrUnix(target)) throw new Error(`Test safety net: refused to dial ${target}`);
    return Reflect.apply(originalConnect, this, args) as net.Socket;
  };
  [ipv4Server, ipv6Server, tlsServer] = await Promise.all([
    startHttpServer('127.0.0.1'),
    startHttpServer('::1'),
    startTlsServer(),
  ]);
});

afterAll(async () => {
  net.Socket.prototype.connect = originalConnect;
  await Promise.all([ipv4Server.close(), ipv6Server.close(), tlsServer.close()]);
});

beforeEach(() => {
  dialled.length = 0;
  for (const server of [ipv4Server, ipv6Server, tlsServer]) {
    server.requests.length = 0;
    server.connections = 0;
  }
  tlsServer.serverNames.length = 0;
});

afterEach(() => {
  for (const { httpAgent, httpsAgent } of agentsInUse.splice(0)) {
    httpAgent.destroy();
    httpsAgent.destroy();
  }
});

function connectionsToLoopbackServers(): number {
  return ipv4Server.connections + ipv6Server.connections + tlsServer.connections;
}

describe('guarded agents with the guard on and no allow-list', () => {
  it.each([
    ['http://127.0.0.1:{v4}/', 'Refused to connect to 127.0.0.1 (loopback): '],
    ['http://localhost:{v4}/', 'Refused to connect to 127.0.0.1 (loopback) for localhost: '],
    ['http://[::1]:{v6}/', 'Refused to connect to ::1 (loopback): '],
    ['http://10.0.0.1/', 'Refused to connect to 10.0.0.1 (private): '],
    ['http://172.16.0.1/', 'Refused to connect to 172.16.0.1 (private): '],
    ['http://192.168.1.1/', 'Refused to connect to 192.168.1.1 (private): '],
    ['http://169.254.169.254/latest/meta-data/', 'to 169.254.169.254 (linkLocal): '],
    ['http://100.64.0.1/', 'Refused to connect to 100.64.0.1 (carrierGradeNat): '],
    ['http://0.0.0.0:{v4}/', 'Refused to connect to 0.0.0.0 (unspecified): '],
    ['http://[::ffff:127.0.0.1]:{v4}/', 'to ::ffff:7f00:1 (loopback 127.0.0.1 via ipv4Mapped): '],
    ['http://[64:ff9b::a00:1]/', 'to 64:ff9b::a00:1 (private 10.0.0.1 via nat64): '],
    ['http://[fd00::1]/', 'Refused to connect to fd00::1 (uniqueLocal): '],
    ['http://2130706433:{v4}/', 'Refused to connect to 127.0.0.1 (loopback): '],
    ['https://127.0.0.1:{tls}/', 'Refused to connect to 127.0.0.1 (loopback): '],
  ])('refuses %s before any socket is opened', async (template, message) => {
    const agents = agentsWith({});

    const refusal = await refusalOf(get(agents, urlFor(template)));

    expect(refusal.message).toContain(message);
    expect(refusal.message).toMatch(/: private and reserved addresses are not allowed$/);
    expect(refusal.code).toBe('ERR_UNSAFE_ADDRESS');
    expect(dialled).toEqual([]);
    expect(connectionsToLoopbackServers()).toBe(0);
  });

  it('refuses a Unix socket path', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'guarded-agent-'));
    const socketPath = join(directory, 'docker.sock');
    const unixServer = http.createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => unixServer.listen(socketPath, resolve));
    let connections = 0;
    unixServer.on('connection', () => connections++);
    try {
      const agents = agentsWith({});

      const refusal = await refusalOf(get(agents, 'http://localhost/', { socketPath }));

      expect(refusal.message).toContain(`Refused to connect to ${socketPath} (unix socket)`);
      expect(connections).toBe(0);
      expect(dialled).toEqual([]);
    } finally {
      await closeServer(unixServer);
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('guarded agents with allowPrivateNetworks', () => {
  it.each([
    ['http://127.0.0.1:{v4}/', '127.0.0.1'],
    ['http://localhost:{v4}/', '127.0.0.1'],
    ['http://[::1]:{v6}/', '::1'],
    ['http://[::ffff:127.0.0.1]:{v4}/', '::ffff:7f00:1'],
    ['http://2130706433:{v4}/', '127.0.0.1'],
  ])('reaches the loopback server at %s', async (template, address) => {
    const agents = agentsWith({ allowPrivateNetworks: true });

    const response = await get(agents, urlFor(template));

    expect(response.data).toBe('ok');
    expect(dialled).toEqual([address]);
  });
});

describe('guarded agents with an allow-list', () => {
  const lookup = (): jest.Mock<void, Parameters<LookupFunction>> =>
    fakeDns({ 'public.example': ['127.0.0.1'], 'internal.example': ['127.0.0.1'] });

  it('lets an allowed hostname reach the private address it resolves to, Host header intact', async () => {
    const agents = agentsWith({ allowedHosts: ['public.example'], lookup: lookup() });

    const response = await get(agents, urlFor('http://public.example:{v4}/image'));

    expect(response.data).toBe('ok');
    expect(ipv4Server.requests).toEqual([
      { url: '/image', host: `public.example:${ipv4Server.port}` },
    ]);
    expect(dialled).toEqual(['127.0.0.1']);
  });

  it('refuses the same hostname when it is not allowed', async () => {
    const agents = agentsWith({ lookup: lookup() });

    const refusal = await refusalOf(get(agents, urlFor('http://public.example:{v4}/image')));

    expect(refusal.message).toContain('to 127.0.0.1 (loopback) for public.example: ');
    expect(dialled).toEqual([]);
  });

  it('matches a CIDR entry against the resolved address', async () => {
    const agents = agentsWith({ allowedHosts: ['127.0.0.0/8'], lookup: lookup() });

    const response = await get(agents, urlFor('http://internal.example:{v4}/image'));
    const refusal = await refusalOf(get(agents, urlFor('http://[::1]:{v6}/')));

    expect(response.data).toBe('ok');
    expect(refusal.message).toContain('Refused to connect to ::1 (loopback)');
    expect(dialled).toEqual(['127.0.0.1']);
  });

  it('checks every redirect hop: an allowed host redirecting to 127.0.0.1 is refused', async () => {
    const agents = agentsWith({ allowedHosts: ['public.example'], lookup: lookup() });
    const createConnection = jest.spyOn(agents.httpAgent, 'createConnection');

    const refusal = await refusalOf(
      get(agents, urlFor('http://public.example:{v4}/redirect-to-secret')),
    );

    expect(refusal.message).toContain('Refused to connect to 127.0.0.1 (loopback): ');
    expect(ipv4Server.requests.map(({ url }) => url)).toEqual(['/redirect-to-secret']);
    // follow-redirects asked the same agent for both hops.
    expect(createConnection.mock.calls.map(([options]) => options.host)).toEqual([
      'public.example',
      '127.0.0.1',
    ]);
    expect(dialled).toEqual(['127.0.0.1']);
  });

  it('follows a redirect that stays on the allowed host', async () => {
    const agents = agentsWith({ allowedHosts: ['public.example'], lookup: lookup() });
    const createConnection = jest.spyOn(agents.httpAgent, 'createConnection');

    const response = await get(agents, urlFor('http://public.example:{v4}/redirect-to-image'));

    expect(response.data).toBe('ok');
    expect(ipv4Server.requests.map(({ url }) => url)).toEqual(['/redirect-to-image', '/image']);
    expect(createConnection).toHaveBeenCalledTimes(2);
  });

  it('dials the checked address over TLS while keeping the hostname for SNI', async () => {
    const agents = agentsWith({ allowedHosts: ['public.example'], lookup: lookup() });

    const failure = await get(agents, urlFor('https://public.example:{tls}/')).catch(
      (error: unknown) => error,
    );

    // The handshake fails because the test server has no certificate, after it saw the SNI name.
    expect(failure).toBeInstanceOf(AxiosError);
    expect((failure as AxiosError).cause).not.toBeInstanceOf(UnsafeAddressError);
    expect(tlsServer.serverNames).toEqual(['public.example']);
    expect(dialled).toEqual(['127.0.0.1']);
  });

  it('rejects an invalid entry when the agents are created', () => {
    expect(() => agentsWith({ allowedHosts: ['10.0.0.0/33'] })).toThrow(
      'Invalid allowed host "10.0.0.0/33"',
    );
  });
});

describe('guarded agents against DNS rebinding', () => {
  it('checks the answer it connects with, not an earlier one', async () => {
    // Given a name that resolves to a public address first and to loopback after that,
    const lookup = sequentialDns((hostname, call) =>
      hostname === 'rebind.example' ? [call === 0 ? '93.184.215.14' : '127.0.0.1'] : undefined,
    );
    const agents = agentsWith({ lookup });
    const firstAnswer = await new Promise<string[]>((resolve) =>
      lookup('rebind.example', { all: true }, (_error, addresses) =>
        resolve(addresses.map(({ address }) => address)),
      ),
    );
    expect(firstAnswer.every((address) => classifyAddress(address).isPublic)).toBe(true);

    // when the request resolves it again to connect,
    const refusal = await refusalOf(get(agents, urlFor('http://rebind.example:{v4}/')));

    // then the loopback answer is refused and nothing is dialled.
    expect(refusal.message).toContain('to 127.0.0.1 (loopback) for rebind.example: ');
    expect(lookup).toHaveBeenCalledTimes(2);
    expect(dialled).toEqual([]);
    expect(ipv4Server.connections).toBe(0);
  });

  it('refuses an answer that mixes public and loopback addresses without dialling either', async () => {
    const agents = agentsWith({
      lookup: fakeDns({ 'mixed.example': ['93.184.215.14', '127.0.0.1'] }),
    });

    const refusal = await refusalOf(get(agents, urlFor('http://mixed.example:{v4}/')));

    expect(refusal.message).toContain('to 127.0.0.1 (loopback) for mixed.example: ');
    expect(dialled).toEqual([]);
  });
});

describe('guardedAxiosConfig', () => {
  const proxyVariables = ['http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'] as const;
  let savedEnvironment: Partial<Record<(typeof proxyVariables)[number], string>>;
  let proxy: LoopbackServer;

  beforeEach(async () => {
    savedEnvironment = {};
    for (const name of proxyVariables) savedEnvironment[name] = process.env[name];
    proxy = await startHttpServer('127.0.0.1');
  });

  afterEach(async () => {
    for (const name of proxyVariables) {
      const saved = savedEnvironment[name];
      if (saved === undefined) delete process.env[name];
      else process.env[name] = saved;
    }
    await proxy.close();
  });

  it('ignores HTTP_PROXY so requests go straight through the guarded agents', async () => {
    process.env.http_proxy = process.env.HTTP_PROXY = `http://127.0.0.1:${proxy.port}`;
    delete process.env.no_proxy;
    delete process.env.NO_PROXY;
    const agents = agentsWith({
      allowedHosts: ['public.example'],
      lookup: fakeDns({ 'public.example': ['127.0.0.1'] }),
    });

    const response = await get(agents, urlFor('http://public.example:{v4}/image'));

    expect(response.data).toBe('ok');
    expect(ipv4Server.requests).toHaveLength(1);
    expect(proxy.connections).toBe(0);
  });
});
