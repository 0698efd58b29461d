import { Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoggerModule, type Params } from 'nestjs-pino';
import pino from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { LoggingConfig } from '../config/config';
import { QueueModule } from '../queue/queue.module';
import { JobLogContext } from './job-log-context';

/** Probes and scrapes every few seconds would drown the request log. */
const QUIET_PATHS = /^\/(health|metrics)(\/|\?|$)/;
/** An incoming X-Request-Id is kept when it looks like an id, so traces join up. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

function requestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/** The request log's settings, and where its lines go. */
function httpLogging(config: LoggingConfig): Params['pinoHttp'] {
  const options: PinoHttpOptions = {
    level: config.level,
    genReqId: requestId,
    autoLogging: { ignore: (request) => QUIET_PATHS.test(request.url ?? '') },
    // Method, path and status only: headers hold API keys, bodies hold customer data.
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        url: request.url,
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : 'info',
  };
  if (config.pretty) {
    const pretty = { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' };
    return { ...options, transport: { target: 'pino-pretty', options: pretty } };
  }
  // Lines are written between requests, not one blocking write each; pino flushes what is left
  // when the process exits.
  return [options, pino.destination({ dest: 1, sync: false })];
}

/**
 * Structured logs with pino: one JSON object a line (pretty-printed when LOG_PRETTY=true or
 * NODE_ENV=development). Every line logged while a request is handled carries `req.id`, also
 * sent back as `X-Request-Id`; every line logged while a job runs carries `job.queue` and
 * `job.id` (see JobLogContext).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [LoggingConfig],
      useFactory: (config: LoggingConfig) => ({ pinoHttp: httpLogging(config) }),
    }),
    QueueModule,
  ],
  providers: [JobLogContext],
})
export class LoggingModule {}
