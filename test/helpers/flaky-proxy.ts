import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  request as httpRequest,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

/** A request that reached the proxy, and the status it was answered with once it was. */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** When it arrived (`Date.now()`). */
  atMs: number;
  status?: number;
}

/** What the proxy answers itself, in the service's place. */
export interface StandInAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A reverse proxy on loopback in front of a service, to show a client what a real network does
 * to it. It records every request; while `standIn` returns an answer for one, it reads the
 * request's body and answers that instead of the service. Anything else is forwarded as it is.
 */
export class FlakyProxy {
  readonly requests: ProxiedRequest[] = [];
  private readonly server: Server;

  constructor(
    private readonly target: string,
    private readonly standIn: (
      request: ProxiedRequest,
      index: number,
    ) => StandInAnswer | undefined = () => undefined,
  ) {
    this.server = createServer((incoming, response) => {
      const record: ProxiedRequest = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        headers: incoming.headers,
        atMs: Date.now(),
      };
      const answer = this.standIn(record, this.requests.length);
      this.requests.push(record);
      if (answer) this.answer(incoming, response, record, answer);
      else this.forward(incoming, response, record);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The requests that reached the proxy for `method` `path`, in order. */
  requestsTo(method: string, path: string): ProxiedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(
    incoming: IncomingMessage,
    response: ServerResponse,
    record: ProxiedRequest,
    { status, headers = {}, body = '' }: StandInAnswer,
  ): void {
    incoming.resume();
    incoming.once('end', () => {
      record.status = status;
      response.writeHead(status, { 'Content-Type': 'text/plain', ...headers }).end(body);
    });
  }

  private forward(incoming: IncomingMessage, response: ServerResponse, record: ProxiedRequest) {
    const upstream = httpRequest(new URL(record.path, this.target), {
      method: record.method,
      headers: incoming.headers,
    });
    upstream.once('response', (answer) => {
      record.status = answer.statusCode;
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      answer.once('aborted', () => response.destroy());
    });
    // The service may answer (a 409, say) and close before it has read the whole body.
    upstream.once('error', () => {
      if (!response.headersSent) response.writeHead(502).end();
    });
    incoming.pipe(upstream);
  }
}
