import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthConfig } from '../config/config';

const digest = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * The configured API keys. A key's owner id (a prefix of its SHA-256) is stored with the
 * requests it uploads, so keys themselves are never written to the database.
 */
@Injectable()
export class ApiKeys {
  private readonly digests: Buffer[];

  constructor(config: AuthConfig) {
    this.digests = config.apiKeys.map(digest);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** The owner id of a valid key, or null. Compares in constant time. */
  ownerOf(key: string): string | null {
    const candidate = digest(key);
    const match = this.digests.find((known) => timingSafeEqual(known, candidate));
    return match ? match.subarray(0, 16).toString('hex') : null;
  }
}
