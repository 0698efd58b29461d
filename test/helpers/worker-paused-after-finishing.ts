import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { loadConfig } from '../../src/config/config';
import { loadEnvFiles } from '../../src/config/env-files';
import { OutboxRepository } from '../../src/requests/outbox.repository';

/**
 * A worker that stops still right after a request's final status is committed, before anything
 * queues the webhook that the same transaction made owed: the moment a crash costs most. A test
 * runs it as a process (`new ServiceProcess(env, { entry: PAUSED_WORKER_ENTRY })`), waits for
 * `PAUSED_LOG` in its log and kills it there. The service itself carries no such hook.
 */
export const PAUSED_WORKER_ENTRY = __filename;
export const PAUSED_LOG = 'Paused for good after finishing request';

class OutboxPausedAfterFinishing extends OutboxRepository {
  override async finishRequest(
    ...args: Parameters<OutboxRepository['finishRequest']>
  ): ReturnType<OutboxRepository['finishRequest']> {
    const finished = await super.finishRequest(...args);
    if (finished) {
      Logger.warn(`${PAUSED_LOG} ${args[0]}`, OutboxPausedAfterFinishing.name);
      await new Promise<never>(() => undefined);
    }
    return finished;
  }
}

async function startPausedWorker(): Promise<void> {
  loadEnvFiles();
  const config = loadConfig(process.env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(OutboxRepository)
    .useClass(OutboxPausedAfterFinishing)
    .compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  configureApp(app);
  await app.listen(config.app.healthPort, config.app.host);
  Logger.log('Worker started, to pause after finishing a request', 'Bootstrap');
}

if (require.main === module) void startPausedWorker();
