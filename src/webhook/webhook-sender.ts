import { Injectable } from '@nestjs/common';
import axios, { AxiosError } from 'axios';
import { Readable } from 'node:stream';
import { OutboundHttp } from '../network/outbound-http';
import { WebhookConfig } from '../config/config';
import { WebhookSigner } from './webhook-signer';
import { WebhookResponse } from './webhook-verdict';

/** What the first bytes of a receiver's answer may tell about a failure. */
const BODY_START_BYTES = 4096;

/** POSTs a signed JSON body to a receiver. Redirects are not followed. */
@Injectable()
export class WebhookSender {
  constructor(
    private readonly config: WebhookConfig,
    private readonly signer: WebhookSigner,
    private readonly outbound: OutboundHttp,
  ) {}

  /** Resolves with the receiver's answer, whatever its status; rejects on network errors. */
  async send(url: string, webhookId: string, payload: unknown): Promise<WebhookResponse> {
    const body = JSON.stringify(payload);
    try {
      const response = await axios.post(url, body, {
        ...this.outbound.axiosConfig,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'image-batch-compressor',
          ...this.signer.headers(webhookId, body),
        },
        timeout: this.config.timeoutMs,
        maxRedirects: 0,
        validateStatus: () => true,
        responseType: 'stream',
      });
      return {
        statusCode: response.status,
        retryAfterMs: parseRetryAfter(response.headers['retry-after']),
        bodyStart: await readStart(response.data as Readable, BODY_START_BYTES),
      };
    } catch (error) {
      if (error instanceof AxiosError && error.code === 'ECONNABORTED') {
        throw new Error(`Webhook timed out after ${this.config.timeoutMs} ms`);
      }
      throw error;
    }
  }
}

/**
 * The first bytes of the receiver's answer, for the record of a failed attempt; the rest is not
 * read. A 2xx is a delivery whatever its body says, however long it is.
 */
async function readStart(body: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) break;
    }
  } catch {
    // An answer cut short tells no less than its start.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks, size).subarray(0, maxBytes).toString('utf8');
}

function parseRetryAfter(value: unknown): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
