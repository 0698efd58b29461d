import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { config as loadDotEnv } from 'dotenv';
import { AppConfig } from './config/configuration';
import { validateEnvironment } from './config/env.validation';

async function bootstrap(): Promise<void> {
  loadDotEnv({ quiet: true });
  const app = await NestFactory.create(AppModule.forMode(validateEnvironment(process.env).MODE), {
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  configureApp(app);
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  if (config.mode === 'worker') {
    // A worker serves only its health (and metrics) routes, so that it can be probed too.
    await app.listen(config.healthPort, config.host);
    Logger.log(
      `Worker started; consuming the queues; health on ${await app.getUrl()}`,
      'Bootstrap',
    );
    return;
  }
  await app.listen(config.port, config.host);
  Logger.log(`Listening on ${await app.getUrl()} (mode ${config.mode})`, 'Bootstrap');
}

void bootstrap();
