import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module';
import { NetworkModule } from '../network/network.module';
import { QueueModule } from '../queue/queue.module';
import { RequestsModule } from '../requests/requests.module';
import { StorageModule } from '../storage/storage.module';
import { ImageCompressor } from './image-compressor';
import { ImageFetcher } from './image-fetcher';
import { ImageProcessingService } from './image-processing.service';
import { ImageProcessor } from './image.processor';
import { ImageRevalidationProcessor } from './image-revalidation.processor';
import { ImageRevalidationService } from './image-revalidation.service';
import { QualityScorer } from './quality-scorer';
import { VariantEncoder } from './variant-encoder';
import { VariantProcessingService } from './variant-processing.service';
import { VariantProcessor } from './variant.processor';

/** The image worker: imported only when this process consumes the queues. */
@Module({
  imports: [DispatchModule, NetworkModule, QueueModule, RequestsModule, StorageModule],
  providers: [
    ImageFetcher,
    ImageCompressor,
    QualityScorer,
    ImageProcessingService,
    ImageProcessor,
    ImageRevalidationService,
    ImageRevalidationProcessor,
    VariantEncoder,
    VariantProcessingService,
    VariantProcessor,
  ],
})
export class ProcessingModule {}
