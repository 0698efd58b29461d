import { Module } from '@nestjs/common';
import { LinksModule } from '../links/links.module';
import { NetworkModule } from '../network/network.module';
import { QueueModule } from '../queue/queue.module';
import { RequestsModule } from '../requests/requests.module';
import { WebhookSender } from './webhook-sender';
import { WebhookSigner } from './webhook-signer';
import { WebhookProcessor } from './webhook.processor';
import { WebhookService } from './webhook.service';

/** Completion webhooks: one attempt per job, queued from the outbox when due. */
@Module({
  imports: [LinksModule, NetworkModule, QueueModule, RequestsModule],
  providers: [WebhookService, WebhookSender, WebhookSigner, WebhookProcessor],
})
export class WebhookModule {}
