import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { WebhookConfig } from '../config/config';

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature'?: string;
}

/**
 * Signs webhook bodies per the Standard Webhooks spec: HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` with the base64-decoded part of a `whsec_` secret.
 */
@Injectable()
export class WebhookSigner {
  private readonly key: Buffer | null;

  constructor(config: WebhookConfig) {
    this.key = config.secret ? Buffer.from(config.secret.slice('whsec_'.length), 'base64') : null;
  }

  headers(webhookId: string, body: string, now: Date = new Date()): WebhookHeaders {
    const timestamp = Math.floor(now.getTime() / 1000).toString();
    const headers: WebhookHeaders = { 'webhook-id': webhookId, 'webhook-timestamp': timestamp };
    if (this.key) {
      const signature = createHmac('sha256', this.key)
        .update(`${webhookId}.${timestamp}.${body}`)
        .digest('base64');
      headers['webhook-signature'] = `v1,${signature}`;
    }
    return headers;
  }
}
