import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { CsvConfig } from '../config/config';
import { QueueModule } from '../queue/queue.module';
import { LinksModule } from '../links/links.module';
import { RequestsModule } from '../requests/requests.module';
import { UploadController } from './upload.controller';
import { UploadService } from './upload.service';

@Module({
  imports: [
    QueueModule,
    LinksModule,
    RequestsModule,
    MulterModule.registerAsync({
      inject: [CsvConfig],
      useFactory: (config: CsvConfig) => ({
        limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10 },
      }),
    }),
  ],
  controllers: [UploadController],
  providers: [UploadService],
})
export class UploadModule {}
