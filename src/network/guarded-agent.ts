/**
 * HTTP(S) agents that refuse to connect to private, loopback, link-local and other non-public
 * addresses, for requests whose URL comes from outside (image downloads, webhooks).
 *
 * The check runs in Agent#createConnection, on the address the socket then connects to: the agent
 * resolves the hostname itself, checks every answer and dials the first one as an IP literal, so a
 * DNS answer that changes between a check and the connect (DNS rebinding) cannot slip through.
 * TLS still verifies the certificate against the hostname, because Node passes it as `servername`.
 * follow-redirects, which axios uses for redirects, asks the same agents for every hop.
 *
 * Requests must not bypass the agents: no proxy (see guardedAxiosConfig), no custom `transport`,
 * no HTTP/2 (`httpVersion: 2`).
 */
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import { classifyAddress, describeClassification, parseIpLiteralHost } from './address-policy';
import { HostAllowList } from './host-allow-list';

/** Resolves every address of a hostname; `dns.lookup` fits. */
export type LookupFunction = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

export interface GuardedAgentOptions {
  /** Turns the guard off, e.g. to develop against services on the local machine. */
  allowPrivateNetworks: boolean;
  /** Hostnames, IP addresses or CIDR ranges that may be connected to even when private. */
  allowedHosts: readonly string[];
  /** Defaults to `dns.lookup`. */
  lookup?: LookupFunction;
}

export interface GuardedAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

export interface GuardedAxiosConfig extends GuardedAgents {
  proxy: false;
}

/** The `code` of a refused connection's error, as axios reports it. */
export const UNSAFE_ADDRESS_CODE = 'ERR_UNSAFE_ADDRESS';

/** The error a refused connection fails with; axios surfaces it as the request error's cause. */
export class UnsafeAddressError extends Error {
  readonly code = UNSAFE_ADDRESS_CODE;

  constructor(
    /** What the connection would have gone to: an IP address, or a Unix socket path. */
    readonly address: string,
    /** Why it is refused, e.g. 'loopback' or 'loopback 127.0.0.1 via ipv4Mapped'. */
    readonly reason: string,
    /** The hostname of the URL. */
    readonly hostname: string,
  ) {
    const forHostname = hostname === address ? '' : ` for ${hostname}`;
    super(
      `Refused to connect to ${address} (${reason})${forHostname}: ` +
        'private and reserved addresses are not allowed',
    );
    this.name = 'UnsafeAddressError';
  }
}

export function createGuardedAgents(options: GuardedAgentOptions): GuardedAgents {
  const guard = new ConnectionGuard(
    options.allowPrivateNetworks,
    HostAllowList.parse(options.allowedHosts),
    options.lookup ?? dns.lookup,
  );
  return { httpAgent: new GuardedHttpAgent(guard), httpsAgent: new GuardedHttpsAgent(guard) };
}

/** Axios request config that sends through the agents; `proxy: false` ignores HTTP(S)_PROXY. */
export function guardedAxiosConfig(agents: GuardedAgents): GuardedAxiosConfig {
  return { httpAgent: agents.httpAgent, httpsAgent: agents.httpsAgent, proxy: false };
}

type ConnectCallback = (error: Error | null, socket: Duplex) => void;
type OpenSocket = (options: http.ClientRequestArgs) => Duplex | null | undefined;

class ConnectionGuard {
  constructor(
    private readonly allowPrivateNetworks: boolean,
    private readonly allowList: HostAllowList,
    private readonly lookup: LookupFunction,
  ) {}

  /** Resolves and checks the target, then opens the socket on the checked address. */
  connect(
    options: http.ClientRequestArgs,
    openSocket: OpenSocket,
    callback: ConnectCallback,
  ): void {
    const hostname = options.host ?? 'localhost';
    if (options.socketPath) {
      const error = new UnsafeAddressError(options.socketPath, 'unix socket', hostname);
      process.nextTick(() => failConnection(callback, error));
      return;
    }
    this.resolveCheckedAddress(hostname, options.family).then(
      (address) => {
        let socket: Duplex | null | undefined;
        try {
          // Dialling the IP literal means net.connect does no second lookup of its own.
          socket = openSocket({ ...options, host: address, lookup: undefined });
        } catch (error) {
          failConnection(callback, toError(error));
          return;
        }
        if (socket) callback(null, socket);
        else failConnection(callback, new Error(`No socket opened to ${address} for ${hostname}`));
      },
      (error: unknown) => failConnection(callback, toError(error)),
    );
  }

  private async resolveCheckedAddress(hostname: string, family = 0): Promise<string> {
    const literal = parseIpLiteralHost(hostname);
    const addresses = literal === null ? await this.resolve(hostname, family) : [literal];
    if (addresses.length === 0) throw new Error(`DNS lookup of ${hostname} returned no address`);
    // Every answer must pass, not only the one dialled, so a mixed answer is refused as a whole.
    for (const address of addresses) this.check(hostname, address);
    return addresses[0];
  }

  private resolve(hostname: string, family: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.lookup(hostname, { all: true, family }, (error, addresses) => {
        if (error) reject(error);
        else resolve(addresses.map(({ address }) => address));
      });
    });
  }

  private check(hostname: string, address: string): void {
    if (this.allowPrivateNetworks) return;
    if (this.allowList.allowsHostname(hostname) || this.allowList.allowsAddress(address)) return;
    const classification = classifyAddress(address);
    if (!classification.isPublic) {
      const reason = describeClassification(classification);
      throw new UnsafeAddressError(classification.address, reason, hostname);
    }
  }
}

/**
 * Connections are kept alive between requests to the same host: a catalog's images mostly come
 * from a few hosts, and a new TCP (and TLS) handshake per image costs more CPU than the request.
 * A kept connection stays on the address that was checked when it was opened.
 */
const AGENT_OPTIONS: http.AgentOptions = { keepAlive: true, maxFreeSockets: 64 };

class GuardedHttpAgent extends http.Agent {
  constructor(private readonly connectionGuard: ConnectionGuard) {
    super(AGENT_OPTIONS);
  }

  // Node's Agent waits for the callback when createConnection returns nothing.
  override createConnection(
    options: http.ClientRequestArgs,
    callback?: ConnectCallback,
  ): undefined {
    const openSocket: OpenSocket = (checked) => super.createConnection(checked);
    this.connectionGuard.connect(options, openSocket, requireCallback(callback));
    return undefined;
  }
}

class GuardedHttpsAgent extends https.Agent {
  constructor(private readonly connectionGuard: ConnectionGuard) {
    super(AGENT_OPTIONS);
  }

  override createConnection(options: https.RequestOptions, callback?: ConnectCallback): undefined {
    const openSocket: OpenSocket = (checked) => super.createConnection(checked);
    this.connectionGuard.connect(options, openSocket, requireCallback(callback));
    return undefined;
  }
}

function requireCallback(callback: ConnectCallback | undefined): ConnectCallback {
  if (!callback) throw new TypeError('A guarded agent opens connections only asynchronously');
  return callback;
}

function failConnection(callback: ConnectCallback, error: Error): void {
  // Node's Agent takes the error alone, although @types/node declares the socket as required.
  (callback as (error: Error) => void)(error);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
