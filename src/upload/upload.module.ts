import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { csvConfig, CsvConfig } from '../config/configuration';
import { QueueModule } from '../queue/queue.module';
import { RequestsModule } from '../requests/requests.module';
import { UploadController } from './upload.controller';
import { UploadService } from './upload.service';

@Module({
  imports: [
    QueueModule,
    RequestsModule,
    MulterModule.registerAsync({
      inject: [csvConfig.KEY],
      useFactory: (config: CsvConfig) => ({
        limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10 },
      }),
    }),
  ],
  controllers: [UploadController],
  providers: [UploadService],
})
export class UploadModule {}
