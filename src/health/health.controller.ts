import { Controller, Get, HttpCode, HttpStatus, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '../config/config';
import { DatabaseService } from '../database/database.service';
import { RateLimitService } from '../rate-limit/rate-limit.service';

/** Probes for load balancers and orchestrators. They need no key and return no data. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly database: DatabaseService,
    private readonly rateLimits: RateLimitService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process serves HTTP' })
  @ApiOkResponse({ description: 'Alive', schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Readiness: the database answers a query, and Redis a PING when configured' })
  @ApiOkResponse({ description: 'Ready', schema: { example: { status: 'ok', database: 'up', redis: 'up' } } })
  @ApiServiceUnavailableResponse({ description: 'The database or Redis is unreachable', schema: { example: { code: 503, message: 'database unavailable' } } })
  async ready() {
    await this.check('database', () => this.database.prisma.$queryRaw`SELECT 1`);
    if (!this.config.redisUrl) {
      return { status: 'ok', database: 'up' };
    }

    await this.check('redis', () => this.rateLimits.pingRedis());
    return { status: 'ok', database: 'up', redis: 'up' };
  }

  private async check(name: string, probe: () => Promise<unknown>): Promise<void> {
    try {
      await probe();
    } catch (error) {
      this.logger.warn(`readiness check of ${name} failed: ${(error as Error).message}`);
      throw new ServiceUnavailableException(`${name} unavailable`);
    }
  }
}
