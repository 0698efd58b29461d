import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests/requests.module';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';

@Module({
  imports: [RequestsModule],
  controllers: [StatusController],
  providers: [StatusService],
})
export class StatusModule {}
