import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { LifecycleSweeper } from '../lifecycle/lifecycle-sweeper';
import { ImageProcessingRequest } from '../requests/image-processing-request.entity';
import { RequestLifecycleRepository } from '../requests/request-lifecycle.repository';
import { RequestStatus } from '../requests/request-status';
import { RequestsRepository } from '../requests/requests.repository';
import { RequestSummaryDto } from './dto/status-response.dto';
import { RequestSummaries } from './request-summaries';

/**
 * Cancel, retry and delete, as the API offers them: each marks the change on the request's row
 * at once, so that it holds for every process from the answer on, and leaves the work on the
 * images to the lifecycle sweep, which this process starts at once.
 */
@Injectable()
export class RequestLifecycleService {
  constructor(
    private readonly requests: RequestsRepository,
    private readonly lifecycle: RequestLifecycleRepository,
    private readonly summaries: RequestSummaries,
    private readonly sweeper: LifecycleSweeper,
  ) {}

  /**
   * No image that is still Pending is started after this returns. Cancelling a request that was
   * cancelled already answers as the first time did; a request that has finished otherwise
   * cannot be cancelled.
   */
  async cancel(requestId: string): Promise<RequestSummaryDto> {
    const request = await this.find(requestId);
    if (!request.completedAt && !request.cancelledAt) {
      await this.lifecycle.markCancelled(request.id);
    }
    const now = await this.find(requestId);
    const cancelled = now.completedAt
      ? now.status === RequestStatus.Cancelled
      : now.cancelledAt !== null;
    if (!cancelled) {
      throw new ConflictException(
        `Request ${requestId} has finished (${now.status}); only a running request can be cancelled`,
      );
    }
    this.sweeper.kick();
    return this.summaries.of(now);
  }

  /** Puts a finished request's failed and cancelled images back to work. */
  async retry(requestId: string): Promise<RequestSummaryDto> {
    const request = await this.find(requestId);
    if (!request.completedAt || !(await this.lifecycle.claimRetry(request.id))) {
      throw new ConflictException(
        `Request ${requestId} is ${request.status}; only a Completed, Failed or Cancelled ` +
          'request can be retried',
      );
    }
    this.sweeper.kick();
    return this.summaries.of(await this.find(requestId));
  }

  /**
   * From now on the request does not exist for anyone; its rows and stored objects are removed
   * in the background. Returns the request as it was.
   */
  async delete(requestId: string): Promise<RequestSummaryDto> {
    const request = await this.find(requestId);
    if (!(await this.lifecycle.markDeleted(request.id))) throw notFound(requestId);
    this.sweeper.kick();
    return this.summaries.of(request);
  }

  private async find(requestId: string): Promise<ImageProcessingRequest> {
    const request = await this.requests.findRequest(requestId);
    if (!request) throw notFound(requestId);
    return request;
  }
}

const notFound = (requestId: string) => new NotFoundException(`No request with id ${requestId}`);
