import { Module } from '@nestjs/common';
import { LinksModule } from '../links/links.module';
import { RequestsModule } from '../requests/requests.module';
import { StorageModule } from '../storage/storage.module';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';

@Module({
  imports: [LinksModule, RequestsModule, StorageModule],
  controllers: [StatusController],
  providers: [StatusService],
})
export class StatusModule {}
