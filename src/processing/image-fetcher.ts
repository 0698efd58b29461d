import { Injectable } from '@nestjs/common';
import axios, { AxiosError } from 'axios';
import { Readable } from 'node:stream';
import { UNSAFE_ADDRESS_CODE } from '../network/guarded-agent';
import { OutboundHttp } from '../network/outbound-http';
import { ImagesConfig } from '../config/config';
import { Headers, revalidationOf, validatorsOf } from './source-validators';

/** A download that failed; `retryable` says whether trying again later may help. */
export class ImageFetchError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
/** Network errors that another try will not mend. */
const PERMANENT_NETWORK_CODES = new Set(['ENOTFOUND', 'ERR_INVALID_URL', UNSAFE_ADDRESS_CODE]);

/**
 * A source as downloaded: its bytes, or `notModified` when the origin confirmed the kept
 * validators; either way, the validators to keep for the next time (null when none may be).
 */
export type FetchedSource =
  | { notModified: true; validators: string }
  | { notModified: false; bytes: Buffer; validators: string | null };

/** What a conditional `HEAD` said of a source: see `ImageFetcher.revalidate`. */
export type RevalidationAnswer =
  { notModified: true; validators: string } | { notModified: false; validators: string | null };

interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer;
  validators: string | null;
}

const HTTP_NOT_MODIFIED = 304;
const EMPTY = Buffer.alloc(0);
/** Sent with every download; the same each time, so that a `Vary` on them always matches. */
const REQUEST_HEADERS: Record<string, string> = {
  Accept: 'image/*',
  'User-Agent': 'image-batch-compressor',
};

/** Downloads an image with a byte cap, timeouts and a capped number of redirects. */
@Injectable()
export class ImageFetcher {
  constructor(
    private readonly config: ImagesConfig,
    private readonly outbound: OutboundHttp,
  ) {}

  /**
   * Downloads `url`. With the validators kept from an earlier download, asks with
   * `If-None-Match` / `If-Modified-Since` first, and answers `notModified` on a `304` that
   * confirms them; a `304` that does not is followed by a plain download.
   */
  async fetch(url: string, known: string | null = null): Promise<FetchedSource> {
    const revalidation = known ? revalidationOf(known, { url, headers: REQUEST_HEADERS }) : null;
    const downloaded = await this.download(url, revalidation?.headers ?? null);
    if (downloaded.status !== HTTP_NOT_MODIFIED) {
      return { notModified: false, bytes: downloaded.bytes, validators: downloaded.validators };
    }
    const confirmed = revalidation?.confirm({ status: 304, headers: downloaded.headers }) ?? null;
    return confirmed ? { notModified: true, validators: confirmed } : this.fetch(url, null);
  }

  /**
   * Asks with a conditional `HEAD` whether the source is still the one the kept validators
   * describe, so that no body is sent either way. On a `304` that confirms them: the validators
   * to keep. On any other success: whether the answer carries validators of its own (a changed
   * source) or none (an origin that stopped sending them, whose body alone can tell). Null on
   * any other answer or error, for a full download (and its error classification) to deal with.
   */
  async revalidate(url: string, known: string): Promise<RevalidationAnswer | null> {
    const revalidation = revalidationOf(known, { url, headers: REQUEST_HEADERS });
    if (!revalidation) return null;
    try {
      const answer = await this.outbound.head(url, {
        headers: { ...REQUEST_HEADERS, ...revalidation.headers },
        timeoutMs: this.config.downloadTimeoutMs,
        maxRedirects: this.config.downloadMaxRedirects,
      });
      if (answer.status === HTTP_NOT_MODIFIED) {
        const validators = revalidation.confirm({ status: 304, headers: answer.headers });
        return validators ? { notModified: true, validators } : null;
      }
      if (answer.status < 200 || answer.status >= 300) return null;
      const response = { status: answer.status, headers: answer.headers };
      const validators = validatorsOf({ url, headers: REQUEST_HEADERS }, response);
      return { notModified: false, validators };
    } catch {
      return null;
    }
  }

  private async download(
    url: string,
    conditional: Record<string, string> | null,
  ): Promise<Download> {
    const { downloadMaxBytes: maxBytes, downloadTimeoutMs: timeoutMs } = this.config;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const response = await axios.request<Readable>({
        ...this.outbound.axiosConfig,
        url,
        method: 'GET',
        responseType: 'stream',
        timeout: timeoutMs,
        signal: abort.signal,
        maxRedirects: this.config.downloadMaxRedirects,
        decompress: true,
        validateStatus: () => true,
        headers: { ...REQUEST_HEADERS, ...conditional },
      });
      const body = response.data;
      const headers = { ...(response.headers as Headers) };
      if (response.status === HTTP_NOT_MODIFIED && conditional) {
        // A 304 has no body: read to its end, its connection goes back to the pool.
        body.resume();
        return { status: response.status, headers, bytes: EMPTY, validators: null };
      }
      if (response.status < 200 || response.status >= 300) {
        body.destroy();
        throw new ImageFetchError(
          `Download failed with HTTP ${response.status}`,
          RETRYABLE_STATUS.has(response.status),
        );
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        body.destroy();
        throw new ImageFetchError(
          `Image is ${declared} bytes; the limit is ${maxBytes} bytes`,
          false,
        );
      }
      const encoded = response.headers['content-encoding'] !== undefined;
      const bytes = await readCapped(
        body,
        maxBytes,
        Number.isFinite(declared) && !encoded ? declared : 0,
      );
      const validators = validatorsOf(
        { url, headers: REQUEST_HEADERS },
        { status: response.status, headers },
      );
      return { status: response.status, headers, bytes, validators };
    } catch (error) {
      throw toFetchError(error, abort.signal.aborted, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Reads the body up to `maxBytes`. When its length is known the bytes go straight into one
 * buffer of that size: an image is then held once, not once in pieces and again joined, which
 * halves what the garbage collector has to deal with per image.
 */
async function readCapped(
  body: Readable,
  maxBytes: number,
  declaredBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const whole = declaredBytes > 0 ? Buffer.allocUnsafe(declaredBytes) : null;
  let size = 0;
  let filled = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.length > maxBytes) {
      body.destroy();
      throw new ImageFetchError(
        `Image is larger than the limit of ${maxBytes} bytes; download stopped`,
        false,
      );
    }
    if (whole && chunks.length === 0 && filled + chunk.length <= whole.length) {
      filled += chunk.copy(whole, filled);
    } else {
      chunks.push(chunk);
    }
    size += chunk.length;
  }
  const start = whole ? [whole.subarray(0, filled)] : [];
  // A body longer than it declared is joined in order, like one of unknown length.
  return chunks.length === 0 && whole ? start[0] : Buffer.concat([...start, ...chunks], size);
}

function toFetchError(error: unknown, timedOut: boolean, timeoutMs: number): ImageFetchError {
  if (error instanceof ImageFetchError) return error;
  if (timedOut) return new ImageFetchError(`Download timed out after ${timeoutMs} ms`, true);
  if (error instanceof AxiosError) {
    if (error.code === 'ERR_FR_TOO_MANY_REDIRECTS') {
      return new ImageFetchError('Too many redirects', false);
    }
    const code = error.code ?? '';
    return new ImageFetchError(
      `Download failed: ${error.message}`,
      !PERMANENT_NETWORK_CODES.has(code),
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ImageFetchError(`Download failed: ${message}`, true);
}
