import { Injectable } from '@nestjs/common';
import axios, { AxiosError } from 'axios';
import { OutboundHttp } from '../network/outbound-http';
import { WebhookConfig } from '../config/config';
import { WebhookSigner } from './webhook-signer';
import { WebhookResponse } from './webhook-verdict';

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
        responseType: 'text',
        maxContentLength: 64 * 1024,
      });
      return {
        statusCode: response.status,
        retryAfterMs: parseRetryAfter(response.headers['retry-after']),
      };
    } catch (error) {
      if (error instanceof AxiosError && error.code === 'ECONNABORTED') {
        throw new Error(`Webhook timed out after ${this.config.timeoutMs} ms`);
      }
      throw error;
    }
  }
}

function parseRetryAfter(value: unknown): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
