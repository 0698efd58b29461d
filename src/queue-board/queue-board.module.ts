import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule, BullBoardModuleOptions } from '@bull-board/nestjs';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { QueueDashboardConfig } from '../config/config';
import { PAGES } from '../links/routes';
import { QUEUE_NAMES } from '../queue/queue.constants';
import { QueueModule } from '../queue/queue.module';
import { dashboardBasicAuth } from './dashboard-basic-auth';

/**
 * Bull Board at /queues, when QUEUE_DASHBOARD=true: every job of both queues, with retry and
 * clean actions. Decided when the app module is built, because Bull Board mounts Express
 * middleware that cannot be switched off afterwards.
 */
@Module({})
export class QueueBoardModule {
  static register(config: QueueDashboardConfig): DynamicModule {
    if (!config.enabled) return { module: QueueBoardModule };
    if (!config.password) {
      new Logger(QueueBoardModule.name).warn(
        `The queue dashboard at ${PAGES.queueDashboard} is open to anyone who can reach this ` +
          'port; set QUEUE_DASHBOARD_PASSWORD',
      );
    }
    return {
      module: QueueBoardModule,
      imports: [
        QueueModule,
        BullBoardModule.forRoot({
          route: PAGES.queueDashboard,
          // @bull-board/express brings its own copy of @bull-board/api, one patch version
          // behind; the classes are the same at run time, but TypeScript sees two declarations.
          adapter: ExpressAdapter as unknown as BullBoardModuleOptions['adapter'],
          boardOptions: { uiConfig: { boardTitle: 'Image batch queues' } },
          middleware: config.password
            ? dashboardBasicAuth(config.password)
            : (_request: unknown, _response: unknown, next: () => void) => next(),
        }),
        BullBoardModule.forFeature(...QUEUE_NAMES.map((name) => ({ name, adapter: BullAdapter }))),
      ],
    };
  }
}
