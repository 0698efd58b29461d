import { ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard } from '@nestjs/throttler';
import { AuthenticatedRequest } from './api-key.guard';

/**
 * Limits uploads per API key when keys are on, so that clients behind one address (a NAT, a
 * proxy) do not share a limit; per client address otherwise.
 */
@Injectable()
export class UploadThrottlerGuard extends ThrottlerGuard {
  private readonly outageLogger = new Logger(UploadThrottlerGuard.name);

  /**
   * An upload is kept in the database and dispatched once Redis is back, so a Redis outage
   * lets uploads through unlimited rather than refusing them.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return await super.canActivate(context);
    } catch (error) {
      if (error instanceof ThrottlerException) throw error;
      this.outageLogger.warn(`Upload limit not counted: ${String(error)}`);
      return true;
    }
  }

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const owner = (request as unknown as AuthenticatedRequest).apiKeyOwner;
    return Promise.resolve(owner ? `key:${owner}` : `ip:${String(request.ip)}`);
  }
}
