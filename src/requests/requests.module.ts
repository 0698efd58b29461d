import { Module } from '@nestjs/common';
import { LinksModule } from '../links/links.module';
import { DispatchRepository } from './dispatch.repository';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { ImageOutcomesRepository } from './image-outcomes.repository';
import { ImageVariantsRepository } from './image-variants.repository';
import { OutboxRepository } from './outbox.repository';
import { RequestLifecycleRepository } from './request-lifecycle.repository';
import { RequestResults } from './request-results';
import { RequestsRepository } from './requests.repository';
import { SourceRecordsRepository } from './source-records.repository';

const providers = [
  RequestsRepository,
  ImageOutcomesRepository,
  ImageVariantsRepository,
  DispatchRepository,
  OutboxRepository,
  IdempotencyKeysRepository,
  RequestLifecycleRepository,
  RequestResults,
  SourceRecordsRepository,
];

@Module({ imports: [LinksModule], providers, exports: providers })
export class RequestsModule {}
