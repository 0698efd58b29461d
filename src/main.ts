import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { Config, loadConfig } from './config/config';
import { loadEnvFiles } from './config/env-files';
import { ConfigurationError } from './config/environment';

async function bootstrap(config: Config): Promise<void> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  configureApp(app);
  const { mode, port, healthPort, host } = config.app;
  if (mode === 'worker') {
    // A worker serves only its health (and metrics) routes, so that it can be probed too.
    await app.listen(healthPort, host);
    Logger.log(
      `Worker started; consuming the queues; health on ${await app.getUrl()}`,
      'Bootstrap',
    );
    return;
  }
  await app.listen(port, host);
  Logger.log(`Listening on ${await app.getUrl()} (mode ${mode})`, 'Bootstrap');
}

function configFromEnvironment(): Config {
  loadEnvFiles();
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/**
 * sharp compresses on libuv's thread pool, which file and DNS work share: give it a thread per
 * compression slot and four to spare, so that a download never waits behind the compressions.
 * Must be set before the pool first runs anything; the real environment wins.
 */
function sizeThreadPool(config: Config): void {
  process.env.UV_THREADPOOL_SIZE ??= String(config.compression.concurrency + 4);
}

const config = configFromEnvironment();
sizeThreadPool(config);
void bootstrap(config);
