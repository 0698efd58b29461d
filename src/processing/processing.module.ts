import { Module } from '@nestjs/common';
import { NetworkModule } from '../network/network.module';
import { QueueModule } from '../queue/queue.module';
import { LinksModule } from '../links/links.module';
import { RequestsModule } from '../requests/requests.module';
import { StorageModule } from '../storage/storage.module';
import { WebhookModule } from '../webhook/webhook.module';
import { ImageCompressor } from './image-compressor';
import { ImageFetcher } from './image-fetcher';
import { ImageProcessingService } from './image-processing.service';
import { ImageProcessor } from './image.processor';

/** The image worker: imported only when this process consumes the queue. */
@Module({
  imports: [NetworkModule, QueueModule, LinksModule, RequestsModule, StorageModule, WebhookModule],
  providers: [ImageFetcher, ImageCompressor, ImageProcessingService, ImageProcessor],
})
export class ProcessingModule {}
