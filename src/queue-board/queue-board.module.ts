import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule, BullBoardModuleOptions } from '@bull-board/nestjs';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { queueConfig } from '../config/configuration';
import { IMAGES_QUEUE, WEBHOOKS_QUEUE } from '../queue/queue.constants';
import { QueueModule } from '../queue/queue.module';
import { dashboardBasicAuth } from './dashboard-basic-auth';

export const QUEUE_DASHBOARD_ROUTE = '/queues';

/**
 * Bull Board at /queues, when QUEUE_DASHBOARD=true: every job of both queues, with retry and
 * clean actions. Decided when the app module is built, because Bull Board mounts Express
 * middleware that cannot be switched off afterwards.
 */
@Module({})
export class QueueBoardModule {
  static register(): DynamicModule {
    const config = queueConfig();
    if (!config.dashboard) return { module: QueueBoardModule };
    if (!config.dashboardPassword) {
      new Logger(QueueBoardModule.name).warn(
        `The queue dashboard at ${QUEUE_DASHBOARD_ROUTE} is open to anyone who can reach this ` +
          'port; set QUEUE_DASHBOARD_PASSWORD',
      );
    }
    return {
      module: QueueBoardModule,
      imports: [
        QueueModule,
        BullBoardModule.forRoot({
          route: QUEUE_DASHBOARD_ROUTE,
          // @bull-board/express brings its own copy of @bull-board/api, one patch version
          // behind; the classes are the same at run time, but TypeScript sees two declarations.
          adapter: ExpressAdapter as unknown as BullBoardModuleOptions['adapter'],
          boardOptions: { uiConfig: { boardTitle: 'Image batch queues' } },
          middleware: config.dashboardPassword
            ? dashboardBasicAuth(config.dashboardPassword)
            : (_request: unknown, _response: unknown, next: () => void) => next(),
        }),
        BullBoardModule.forFeature(
          { name: IMAGES_QUEUE, adapter: BullAdapter },
          { name: WEBHOOKS_QUEUE, adapter: BullAdapter },
        ),
      ],
    };
  }
}
