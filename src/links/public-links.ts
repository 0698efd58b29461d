import { Injectable } from '@nestjs/common';
import { AppConfig, DeliveryConfig } from '../config/config';
import { PATHS } from './routes';

/**
 * The absolute URLs the service hands out: its own routes on PUBLIC_BASE_URL, or, with
 * IMAGE_DELIVERY=public, the stored objects themselves where a CDN or a public bucket serves
 * them.
 */
@Injectable()
export class PublicLinks {
  private readonly base: string;
  private readonly objectBase: string | null;

  constructor(app: AppConfig, delivery: DeliveryConfig) {
    this.base = app.publicBaseUrl;
    this.objectBase = delivery.publicObjectBaseUrl;
  }

  status(requestId: string): string {
    return this.base + PATHS.status(requestId);
  }

  outputCsv(requestId: string): string {
    // The key `StorageKeys.outputCsv` gives; links/ sits beside storage/ and cannot import it,
    // so public-links.spec.ts holds the two together.
    return this.objectBase
      ? `${this.objectBase}${requestId}/output.csv`
      : this.base + PATHS.outputCsv(requestId);
  }

  /** The report is built from the database on every download, so the service serves it. */
  reportCsv(requestId: string): string {
    return this.base + PATHS.reportCsv(requestId);
  }

  image(storageKey: string): string {
    return this.objectBase ? this.objectBase + storageKey : this.base + PATHS.image(storageKey);
  }
}
