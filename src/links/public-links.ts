import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { PATHS } from './routes';

/** Absolute URLs of what the service serves, on PUBLIC_BASE_URL. */
@Injectable()
export class PublicLinks {
  private readonly base: string;

  constructor(config: AppConfig) {
    this.base = config.publicBaseUrl;
  }

  status(requestId: string): string {
    return this.base + PATHS.status(requestId);
  }

  outputCsv(requestId: string): string {
    return this.base + PATHS.outputCsv(requestId);
  }

  image(storageKey: string): string {
    return this.base + PATHS.image(storageKey);
  }
}
