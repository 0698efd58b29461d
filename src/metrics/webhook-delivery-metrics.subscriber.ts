import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface, InsertEvent } from 'typeorm';
import { WebhookDelivery } from '../webhook/webhook-delivery.entity';
import { MetricsService } from './metrics.service';

/**
 * Counts webhook delivery attempts as they are recorded: every attempt, whatever its outcome,
 * is inserted into `webhook_deliveries` exactly once, so the table's inserts are the truth.
 */
@Injectable()
export class WebhookDeliveryMetricsSubscriber implements EntitySubscriberInterface<WebhookDelivery> {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {
    dataSource.subscribers.push(this);
  }

  listenTo(): typeof WebhookDelivery {
    return WebhookDelivery;
  }

  afterInsert(event: InsertEvent<WebhookDelivery>): void {
    this.metrics.recordWebhookDelivery(event.entity.outcome);
  }
}
