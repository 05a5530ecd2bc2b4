import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrors } from '../openapi/error-responses';
import { MetricsKeyGuard } from './metrics-key.guard';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@UseGuards(MetricsKeyGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Metrics of this node in the Prometheus text format. Needs no key unless OMNINANNY_METRICS_KEY_REQUIRED is true; ' +
      'then it takes the server key like the API, as `Authorization: Bearer <key>` or the `key` query parameter.',
  })
  @ApiOkResponse({ description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiErrors(401)
  async scrape(@Res({ passthrough: true }) response: Response): Promise<string> {
    const body = await this.metrics.scrape();
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    return body;
  }
}
