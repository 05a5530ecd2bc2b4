import { Controller, Delete, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ServerKeyGuard } from '../auth/server-key.guard';
import { DeletedDto } from '../common/deleted.dto';
import { BodyOrQuery, JsonBody } from '../common/request-input.decorators';
import { InstanceDto } from '../instances/dto/instance.dto';
import { ApiErrors, ApiServerKey } from '../openapi/error-responses';
import { CreateInstanceDto, DeleteInstanceDto, InstanceFilterDto, InstanceListDto } from './dto/orchestration.dto';
import { OrchestrationService } from './orchestration.service';

@ApiTags('orchestration')
@ApiServerKey()
@ApiExtraModels(DeletedDto, InstanceDto)
@UseGuards(ServerKeyGuard)
@Controller('api/server/server/orchestration')
export class OrchestrationController {
  constructor(private readonly orchestration: OrchestrationService) {}

  @Get()
  @ApiOperation({ summary: 'Get server instances', description: 'Lists instances, newest first, filtered by server, worker or state.' })
  @ApiQuery({ type: InstanceFilterDto })
  @ApiOkResponse({ type: InstanceListDto, description: 'Success' })
  @ApiErrors(400, 404)
  list(@BodyOrQuery() filter: InstanceFilterDto): Promise<InstanceListDto> {
    return this.orchestration.list(filter);
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create server instance',
    description:
      'Places an instance on the least loaded online worker with free capacity, gives it a free port, and asks the worker agent to start it. ' +
      'With `wait: true` the answer comes once the instance is ready or failed. 503 when no worker can take it.',
  })
  @ApiBody({ type: CreateInstanceDto })
  @ApiCreatedResponse({ type: InstanceDto, description: 'Created' })
  @ApiErrors(400, 404, 413, 415, 503)
  create(@JsonBody() input: CreateInstanceDto): Promise<InstanceDto> {
    return this.orchestration.create(input);
  }

  @Delete()
  @ApiOperation({ summary: 'Delete server instance', description: 'Stops an instance: SIGTERM, then SIGKILL after the grace period. `id` may come in the body or the query string.' })
  @ApiQuery({ name: 'id', required: false, description: 'Instance id, when not sent in the body', schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'wait', required: false, schema: { type: 'boolean' } })
  @ApiBody({ type: DeleteInstanceDto, required: false })
  @ApiOkResponse({
    description: 'Stopping or stopped',
    schema: { allOf: [{ $ref: getSchemaPath(DeletedDto) }, { properties: { instance: { $ref: getSchemaPath(InstanceDto) } } }] },
  })
  @ApiErrors(400, 404)
  delete(@BodyOrQuery() input: DeleteInstanceDto) {
    return this.orchestration.delete(input);
  }
}
