import { Module } from '@nestjs/common';
import { LinksModule } from '../links/links.module';
import { RequestsModule } from '../requests/requests.module';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';

@Module({
  imports: [LinksModule, RequestsModule],
  controllers: [StatusController],
  providers: [StatusService],
})
export class StatusModule {}
