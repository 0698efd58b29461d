import { Module } from '@nestjs/common';
import { ConditionalModule, ConfigModule } from '@nestjs/config';
import { AuthModule } from './auth/auth.module';
import { allConfigs } from './config/configuration';
import { AppMode, validateEnvironment } from './config/env.validation';
import { DatabaseModule } from './database/database.module';
import { ImagesModule } from './images/images.module';
import { ProcessingModule } from './processing/processing.module';
import { StatusModule } from './status/status.module';
import { UploadModule } from './upload/upload.module';

const modeIs =
  (...modes: AppMode[]) =>
  (env: NodeJS.ProcessEnv): boolean =>
    modes.includes((env.MODE as AppMode | undefined) ?? 'all');

/** MODE=api serves HTTP, MODE=worker consumes the queues, MODE=all does both. */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: allConfigs, validate: validateEnvironment }),
    DatabaseModule,
    ConditionalModule.registerWhen(AuthModule, modeIs('api', 'all')),
    ConditionalModule.registerWhen(UploadModule, modeIs('api', 'all')),
    ConditionalModule.registerWhen(StatusModule, modeIs('api', 'all')),
    ConditionalModule.registerWhen(ImagesModule, modeIs('api', 'all')),
    ConditionalModule.registerWhen(ProcessingModule, modeIs('worker', 'all')),
  ],
})
export class AppModule {}
