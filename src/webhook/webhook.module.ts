import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NetworkModule } from '../network/network.module';
import { QueueModule } from '../queue/queue.module';
import { LinksModule } from '../links/links.module';
import { RequestsModule } from '../requests/requests.module';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookSender } from './webhook-sender';
import { WebhookSigner } from './webhook-signer';
import { WebhookProcessor } from './webhook.processor';
import { WebhookService } from './webhook.service';

/** Completion webhooks: queued by the image worker, delivered by the webhook processor. */
@Module({
  imports: [
    NetworkModule,
    QueueModule,
    LinksModule,
    RequestsModule,
    TypeOrmModule.forFeature([WebhookDelivery]),
  ],
  providers: [WebhookService, WebhookSender, WebhookSigner, WebhookProcessor],
  exports: [WebhookService],
})
export class WebhookModule {}
