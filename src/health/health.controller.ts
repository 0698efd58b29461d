import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../common/public.decorator';
import { RedisHealthIndicator } from './redis.health';
import { StorageHealthIndicator } from './storage.health';

const DATABASE_PING_TIMEOUT_MS = 2000;

/** Probes for orchestrators; served in every mode, and open even when API keys are on. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly storage: StorageHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({
    operationId: 'getLiveness',
    summary: 'Liveness: the process is running and answering',
    description:
      'Checks no dependency, so that an outage elsewhere never gets the process restarted.',
  })
  liveness(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness: the database, Redis and image storage are usable',
    description:
      '`503` while the database or Redis does not answer, or while the image storage cannot ' +
      'take images (its disk nearly full, or its S3 bucket not answering); route no traffic ' +
      'to the process until it answers `200` again.',
  })
  readiness(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: DATABASE_PING_TIMEOUT_MS }),
      () => this.redis.pingCheck('redis'),
      () => this.storage.check('storage'),
    ]);
  }
}
