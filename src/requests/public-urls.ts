import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config';

/** Absolute URLs of what the service serves, built from PUBLIC_BASE_URL. */
@Injectable()
export class PublicUrls {
  private readonly base: string;

  constructor(config: AppConfig) {
    this.base = config.publicBaseUrl;
  }

  status(requestId: string): string {
    return `${this.base}/status/${requestId}`;
  }

  outputCsv(requestId: string): string {
    return `${this.base}/status/${requestId}/output.csv`;
  }

  image(storageKey: string): string {
    return `${this.base}/images/${storageKey}`;
  }
}
