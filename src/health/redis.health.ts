import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Queue } from 'bull';
import { withTimeout } from '../common/with-timeout';
import { IMAGES_QUEUE } from '../queue/queue.constants';

const PING_TIMEOUT_MS = 2000;

/**
 * Redis as the queues see it: the images queue's own client must answer PING in time. While
 * ioredis reconnects it holds commands back instead of failing them, so the timeout is what
 * turns an outage into "down".
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    @InjectQueue(IMAGES_QUEUE) private readonly queue: Queue,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async pingCheck<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const check = this.indicators.check(key);
    const client = this.queue.client;
    try {
      await withTimeout(client.ping(), PING_TIMEOUT_MS, 'PING');
      return check.up();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return check.down({ message: `Redis: ${reason} (connection ${client.status})` });
    }
  }
}
