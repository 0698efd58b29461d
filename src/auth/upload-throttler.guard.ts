import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AuthenticatedRequest } from './api-key.guard';

/**
 * Limits uploads per API key when keys are on, so that clients behind one address (a NAT, a
 * proxy) do not share a limit; per client address otherwise.
 */
@Injectable()
export class UploadThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const owner = (request as unknown as AuthenticatedRequest).apiKeyOwner;
    return Promise.resolve(owner ? `key:${owner}` : `ip:${String(request.ip)}`);
  }
}
