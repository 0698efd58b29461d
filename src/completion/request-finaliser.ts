import { Injectable, Logger } from '@nestjs/common';
import { DispatchLoop } from '../dispatch/dispatch-loop';
import { OutboxRepository } from '../requests/outbox.repository';
import { finalStatusOf, RequestResults } from '../requests/request-results';
import { RequestsRepository } from '../requests/requests.repository';
import { ImageStorage } from '../storage/image-storage';
import { OUTPUT_CSV_CONTENT_TYPE, StorageKeys } from '../storage/storage-keys';

/**
 * Ends a request whose every image has an outcome: its output CSV is written to storage as it
 * is read from the database, then the final status is set and the webhook (if any) becomes
 * owed, in one transaction. Safe to run twice: the CSV is overwritten and the status set once.
 */
@Injectable()
export class RequestFinaliser {
  private readonly logger = new Logger(RequestFinaliser.name);

  constructor(
    private readonly requests: RequestsRepository,
    private readonly results: RequestResults,
    private readonly outbox: OutboxRepository,
    private readonly storage: ImageStorage,
    private readonly dispatch: DispatchLoop,
  ) {}

  async finalise(requestPk: number): Promise<void> {
    const request = await this.requests.findRequestByPk(requestPk);
    const unfinished =
      !request ||
      request.processedImages < request.totalImages ||
      request.processedVariants < request.totalVariants;
    if (unfinished || request.completedAt) {
      await this.outbox.dropFinalisation(requestPk);
      return;
    }
    const csvKey = StorageKeys.outputCsv(request.requestId);
    await this.storage.save(csvKey, this.results.outputCsv(request), OUTPUT_CSV_CONTENT_TYPE);
    if (!(await this.requests.isLive(requestPk))) {
      // Deleted while the CSV was written: its deletion may have missed the CSV.
      await this.storage.remove(csvKey);
      await this.outbox.dropFinalisation(requestPk);
      return;
    }
    const status = finalStatusOf(request);
    if (await this.outbox.finishRequest(requestPk, status, request.webhookUrl !== null)) {
      this.logger.log(`Request ${request.requestId} finished: ${status}`);
      this.dispatch.kick();
    }
  }
}
