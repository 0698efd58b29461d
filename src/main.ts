import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { AppConfig } from './config/configuration';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  configureApp(app);
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  if (config.mode === 'worker') {
    await app.init();
    Logger.log('Worker started; consuming the queues', 'Bootstrap');
    return;
  }
  await app.listen(config.port, config.host);
  Logger.log(`Listening on ${await app.getUrl()} (mode ${config.mode})`, 'Bootstrap');
}

void bootstrap();
