import { Injectable } from '@nestjs/common';
import { Database } from './database';
import { EntityManager, In, IsNull, LessThanOrEqual } from 'typeorm';
import { ImageProcessingRequest } from './image-processing-request.entity';
import { OutboxEntry, OutboxKind } from './outbox-entry.entity';
import { FinalRequestStatus, WebhookStatus } from './request-status';
import { WebhookDelivery, WebhookOutcome } from './webhook-delivery.entity';

/** One delivery attempt of a webhook, as it is recorded. */
export interface WebhookAttemptRecord {
  requestPk: number;
  attempt: number;
  webhookId: string;
  url: string;
  statusCode: number | null;
  error: string | null;
  outcome: WebhookOutcome;
  durationMs: number;
}

/** Where the webhook goes next: done (delivered or given up), or another attempt later. */
export type WebhookNextStep =
  | { status: WebhookStatus.Delivered | WebhookStatus.Failed }
  | { status: WebhookStatus.Pending; nextAttemptAt: Date };

/**
 * The transactional outbox: the side effects that committed changes owe, and the transactions
 * that do them. Each change that owes an effect writes its entry in the same transaction; each
 * effect removes its entry (or moves it to its next attempt) in the same transaction as itself.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly database: Database) {}

  /**
   * Entries due now that are not queued, or that were queued before `requeueBefore` and are
   * still here: the relay checks that their jobs still exist.
   */
  due(now: Date, requeueBefore: Date, limit: number): Promise<OutboxEntry[]> {
    return this.database.run((manager) =>
      manager.getRepository(OutboxEntry).find({
        where: [
          { dueAt: LessThanOrEqual(now), enqueuedAt: IsNull() },
          { dueAt: LessThanOrEqual(now), enqueuedAt: LessThanOrEqual(requeueBefore) },
        ],
        order: { dueAt: 'ASC' },
        take: limit,
      }),
    );
  }

  /** Which of these entries are still here, as they were (the same attempt); by id. */
  async stillHere(entries: OutboxEntry[]): Promise<Set<number>> {
    if (entries.length === 0) return new Set();
    const found = await this.database.run((manager) =>
      manager.getRepository(OutboxEntry).findBy({ id: In(entries.map((entry) => entry.id)) }),
    );
    const attempts = new Map(found.map((entry) => [entry.id, entry.attempt]));
    return new Set(
      entries.filter((entry) => attempts.get(entry.id) === entry.attempt).map((entry) => entry.id),
    );
  }

  async markEnqueued(entryIds: number[], at: Date): Promise<void> {
    if (entryIds.length === 0) return;
    await this.database.run((manager) =>
      manager.getRepository(OutboxEntry).update({ id: In(entryIds) }, { enqueuedAt: at }),
    );
  }

  async find(requestPk: number, kind: OutboxKind): Promise<OutboxEntry | null> {
    return this.database.run((manager) =>
      manager.getRepository(OutboxEntry).findOneBy({ requestPk, kind }),
    );
  }

  /**
   * Gives a request whose every image and variant has an outcome its final status, once: of two
   * finalisations only the first changes anything. The finalisation entry goes, and a webhook,
   * when the request has one, is owed from now on.
   */
  finishRequest(
    requestPk: number,
    status: FinalRequestStatus,
    hasWebhook: boolean,
  ): Promise<boolean> {
    return this.database.transaction(async (manager) => {
      const now = new Date();
      const finished = await manager
        .createQueryBuilder()
        .update(ImageProcessingRequest)
        .set({
          status,
          completedAt: now,
          updatedAt: now,
          // A new round of delivery, for a retried request too: the attempts of its earlier
          // round (even one recorded after the retry began) do not count against it.
          ...(hasWebhook
            ? {
                webhookStatus: WebhookStatus.Pending,
                webhookAttempts: 0,
                webhookLastError: null,
                webhookNextAttemptAt: now,
              }
            : {}),
        })
        .where('id = :requestPk AND completed_at IS NULL', { requestPk })
        .andWhere('processed_images >= total_images AND processed_variants >= total_variants')
        .execute();
      await this.remove(manager, requestPk, OutboxKind.FinaliseRequest);
      if (finished.affected !== 1) return false;
      if (hasWebhook) await this.owe(manager, requestPk, OutboxKind.DeliverWebhook, 1, now);
      return true;
    });
  }

  /** Drops a finalisation that is not due: its request is done already, or not yet. */
  async dropFinalisation(requestPk: number): Promise<void> {
    await this.database.run((manager) =>
      this.remove(manager, requestPk, OutboxKind.FinaliseRequest),
    );
  }

  /**
   * Records webhook attempt `attempt` and what follows from it, once: an attempt recorded
   * already (its job ran twice) changes nothing and returns false.
   */
  recordWebhookAttempt(
    record: WebhookAttemptRecord,
    next: WebhookNextStep,
    lastError: string | null,
  ): Promise<boolean> {
    return this.database.transaction(async (manager) => {
      const { requestPk, attempt } = record;
      const moved = await manager
        .createQueryBuilder()
        .update(ImageProcessingRequest)
        .set({
          webhookAttempts: attempt,
          webhookStatus: next.status,
          webhookLastError: lastError,
          webhookNextAttemptAt: next.status === WebhookStatus.Pending ? next.nextAttemptAt : null,
          updatedAt: new Date(),
        })
        .where('id = :requestPk AND webhook_attempts = :previous', {
          requestPk,
          previous: attempt - 1,
        })
        .execute();
      if (moved.affected !== 1) return false;
      await manager
        .createQueryBuilder()
        .insert()
        .into(WebhookDelivery)
        .values({ ...record, createdAt: new Date() })
        .execute();
      if (next.status === WebhookStatus.Pending) {
        await manager
          .createQueryBuilder()
          .update(OutboxEntry)
          .set({ attempt: attempt + 1, dueAt: next.nextAttemptAt, enqueuedAt: null })
          .where('request_pk = :requestPk AND kind = :kind', {
            requestPk,
            kind: OutboxKind.DeliverWebhook,
          })
          .execute();
      } else {
        await this.remove(manager, requestPk, OutboxKind.DeliverWebhook);
      }
      return true;
    });
  }

  private async owe(
    manager: EntityManager,
    requestPk: number,
    kind: OutboxKind,
    attempt: number,
    dueAt: Date,
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(OutboxEntry)
      .values({ kind, requestPk, attempt, dueAt, enqueuedAt: null })
      .orIgnore()
      .execute();
  }

  private async remove(manager: EntityManager, requestPk: number, kind: OutboxKind): Promise<void> {
    await manager.getRepository(OutboxEntry).delete({ requestPk, kind });
  }
}
