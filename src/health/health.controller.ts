import { Controller, Get, HttpCode, HttpStatus, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { DatabaseService } from '../database/database.service';

/** Probes for load balancers and orchestrators. They need no key and return no data. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(private readonly database: DatabaseService) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process serves HTTP' })
  @ApiOkResponse({ description: 'Alive', schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Readiness: the database answers a query' })
  @ApiOkResponse({ description: 'Ready', schema: { example: { status: 'ok', database: 'up' } } })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable', schema: { example: { code: 503, message: 'database unavailable' } } })
  async ready() {
    try {
      await this.database.prisma.$queryRaw`SELECT 1`;
    } catch (error) {
      this.logger.warn(`readiness check failed: ${(error as Error).message}`);
      throw new ServiceUnavailableException('database unavailable');
    }
    return { status: 'ok', database: 'up' };
  }
}
