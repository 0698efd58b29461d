import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export type FixtureHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A loopback HTTP server for test images. Routes are exact paths, and `otherwise` answers the
 * rest (404 without it); `hits` counts requests per path so tests can tell whether an image was
 * fetched more than once.
 */
export class FixtureServer {
  readonly hits = new Map<string, number>();
  private readonly routes = new Map<string, FixtureHandler>();
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();
  private fallback: FixtureHandler = (_, response) =>
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');

  constructor() {
    this.server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      (this.routes.get(path) ?? this.fallback)(request, response);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  file(path: string, body: Buffer, contentType = 'application/octet-stream'): string {
    this.routes.set(path, (_, response) => {
      response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length });
      response.end(body);
    });
    return this.url(path);
  }

  /** Serves `body` at `path` after `delayMs`, as a slow image host would; returns its URL. */
  slowFile(path: string, body: Buffer, delayMs: number, contentType = 'image/jpeg'): string {
    this.routes.set(path, (_, response) => {
      setTimeout(() => response.writeHead(200, { 'Content-Type': contentType }).end(body), delayMs);
    });
    return this.url(path);
  }

  /** A route that never answers, for timeouts. */
  hang(path: string): string {
    this.routes.set(path, (_, response) => {
      this.hanging.add(response);
    });
    return this.url(path);
  }

  route(path: string, handler: FixtureHandler): string {
    this.routes.set(path, handler);
    return this.url(path);
  }

  /** Answers every path that has no route of its own. */
  otherwise(handler: FixtureHandler): void {
    this.fallback = handler;
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
