import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultInjectionConfig } from '../config/config';
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
    private readonly faults: FaultInjectionConfig,
  ) {}

  async finalise(requestPk: number): Promise<void> {
    const request = await this.requests.findRequestByPk(requestPk);
    if (!request || request.completedAt || request.processedImages < request.totalImages) {
      await this.outbox.dropFinalisation(requestPk);
      return;
    }
    await this.storage.save(
      StorageKeys.outputCsv(request.requestId),
      this.results.outputCsv(request),
      OUTPUT_CSV_CONTENT_TYPE,
    );
    const status = finalStatusOf(request);
    if (await this.outbox.finishRequest(requestPk, status, request.webhookUrl !== null)) {
      this.logger.log(`Request ${request.requestId} finished: ${status}`);
      await this.pauseForFaultInjection(request.requestId);
      this.dispatch.kick();
    }
  }

  /** FAULT_PAUSE_AFTER_FINALISE_MS: a test kills the process here, before the relay is kicked. */
  private async pauseForFaultInjection(requestId: string): Promise<void> {
    const pauseMs = this.faults.pauseAfterFinaliseMs;
    if (pauseMs === 0) return;
    this.logger.warn(
      `Fault injection: pausing ${pauseMs} ms after finalising request ${requestId}`,
    );
    await sleep(pauseMs);
  }
}
