import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { LinksModule } from '../links/links.module';
import { RequestsModule } from '../requests/requests.module';
import { StorageModule } from '../storage/storage.module';
import { RequestListController } from './request-list.controller';
import { RequestLifecycleController } from './request-lifecycle.controller';
import { RequestLifecycleService } from './request-lifecycle.service';
import { RequestListService } from './request-list.service';
import { RequestSummaries } from './request-summaries';
import { StatusEventsService } from './status-events.service';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';

@Module({
  imports: [LifecycleModule, LinksModule, RequestsModule, StorageModule],
  controllers: [StatusController, RequestListController, RequestLifecycleController],
  providers: [
    StatusService,
    StatusEventsService,
    RequestListService,
    RequestLifecycleService,
    RequestSummaries,
  ],
})
export class StatusModule {}
