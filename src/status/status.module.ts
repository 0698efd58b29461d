import { Module } from '@nestjs/common';
import { LinksModule } from '../links/links.module';
import { RequestsModule } from '../requests/requests.module';
import { StorageModule } from '../storage/storage.module';
import { RequestListController } from './request-list.controller';
import { RequestListService } from './request-list.service';
import { RequestSummaries } from './request-summaries';
import { StatusEventsService } from './status-events.service';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';

@Module({
  imports: [LinksModule, RequestsModule, StorageModule],
  controllers: [StatusController, RequestListController],
  providers: [StatusService, StatusEventsService, RequestListService, RequestSummaries],
})
export class StatusModule {}
