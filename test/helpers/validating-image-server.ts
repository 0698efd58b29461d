import { createHash } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { FixtureServer } from './fixture-server';

/** How an image is served: with `ETag` and `Last-Modified`, or with no validators at all. */
export interface ServedImage {
  body: Buffer;
  contentType: string;
  validators: boolean;
}

/** One request the server answered, as a test reads it back. */
export interface ServedRequest {
  path: string;
  method: string;
  status: number;
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
  bodyBytes: number;
}

/** Every image was last modified at this time, or a second later for each change. */
const FIRST_MODIFIED = Date.parse('2025-06-01T08:00:00Z');

/**
 * A loopback image origin that behaves like a CDN: each image has an `ETag` (from its bytes) and
 * a `Last-Modified`, answers `If-None-Match` / `If-Modified-Since` with `304`, and every request
 * and body byte it sends is counted.
 */
export class ValidatingImageServer {
  readonly served: ServedRequest[] = [];
  /** How long each body waits before it is sent, so that the downloads under way overlap. */
  bodyDelayMs = 0;
  /** The most bodies that were under way at once (being delayed) since the count was reset. */
  mostBodiesAtOnce = 0;
  private bodiesUnderWay = 0;
  private readonly server = new FixtureServer();
  private readonly images = new Map<string, ServedImage & { etag: string; lastModified: string }>();
  private changes = 0;

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** Serves (or replaces) the image at `path`; returns its URL. */
  set(path: string, image: ServedImage): string {
    const etag = `"${createHash('sha256').update(image.body).digest('hex').slice(0, 16)}"`;
    const lastModified = new Date(FIRST_MODIFIED + 1000 * this.changes++).toUTCString();
    this.images.set(path, { ...image, etag, lastModified });
    return this.server.route(path, (request, response) => this.answer(path, request, response));
  }

  url(path: string): string {
    return this.server.url(path);
  }

  /** The requests for `path`, in the order they came. */
  requestsFor(path: string): ServedRequest[] {
    return this.served.filter((served) => served.path === path);
  }

  /** `GET 200`, `HEAD 304`…: what was asked for `path` and answered, in order. */
  answersFor(path: string): string[] {
    return this.requestsFor(path).map((served) => `${served.method} ${served.status}`);
  }

  /** Body bytes sent for the paths given (all when none is). */
  bodyBytes(...paths: string[]): number {
    return this.served
      .filter((served) => paths.length === 0 || paths.includes(served.path))
      .reduce((sum, served) => sum + served.bodyBytes, 0);
  }

  private answer(path: string, request: IncomingMessage, response: ServerResponse): void {
    const image = this.images.get(path);
    if (!image) throw new Error(`No image at ${path}`);
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    const validators = image.validators
      ? { ETag: image.etag, 'Last-Modified': image.lastModified }
      : {};
    const unchanged =
      image.validators &&
      (ifNoneMatch !== undefined
        ? ifNoneMatch.split(',').some((tag) => tag.trim() === image.etag)
        : ifModifiedSince !== undefined &&
          Date.parse(ifModifiedSince) >= Date.parse(image.lastModified));
    const status = unchanged ? 304 : 200;
    this.served.push({
      path,
      method: request.method ?? 'GET',
      status,
      ifNoneMatch,
      ifModifiedSince,
      bodyBytes: unchanged || request.method === 'HEAD' ? 0 : image.body.length,
    });
    if (unchanged) {
      response.writeHead(304, validators).end();
      return;
    }
    const send = () => {
      response.writeHead(200, {
        'Content-Type': image.contentType,
        'Content-Length': image.body.length,
        ...validators,
      });
      response.end(image.body);
    };
    if (this.bodyDelayMs === 0 || request.method === 'HEAD') {
      send();
      return;
    }
    this.bodiesUnderWay += 1;
    this.mostBodiesAtOnce = Math.max(this.mostBodiesAtOnce, this.bodiesUnderWay);
    setTimeout(() => {
      this.bodiesUnderWay -= 1;
      send();
    }, this.bodyDelayMs);
  }
}
