import { Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ServerKeyGuard } from '../auth/server-key.guard';
import { BodyOrQuery, JsonBody } from '../common/request-input.decorators';
import { DeletedDto } from '../common/deleted.dto';
import { ApiErrors, ApiServerKey } from '../openapi/error-responses';
import { CreatedWorkerDto, CreateWorkerDto, DeleteWorkerDto, UpdateWorkerDto, WorkerDto, WorkerFilterDto, WorkerListDto } from './dto/worker.dto';
import { WorkersService } from './workers.service';

@ApiTags('worker')
@ApiServerKey()
@UseGuards(ServerKeyGuard)
@Controller('api/server/worker')
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Get()
  @ApiOperation({ summary: 'Get workers', description: 'Lists workers with their status, last heartbeat and live instance count. Never shows tokens.' })
  @ApiQuery({ name: 'id', required: false, description: 'Only this worker (id or name)', schema: { type: 'string' } })
  @ApiOkResponse({ type: WorkerListDto, description: 'Success' })
  @ApiErrors(400, 404)
  list(@BodyOrQuery() filter: WorkerFilterDto): Promise<WorkerListDto> {
    return this.workers.list(filter);
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Create new worker', description: 'Registers a machine for game servers. The response carries the agent token once.' })
  @ApiBody({ type: CreateWorkerDto })
  @ApiCreatedResponse({ type: CreatedWorkerDto, description: 'Created' })
  @ApiErrors(400, 409, 413, 415)
  create(@JsonBody() input: CreateWorkerDto): Promise<CreatedWorkerDto> {
    return this.workers.create(input);
  }

  @Patch()
  @ApiOperation({
    summary: 'Drain or undrain a worker',
    description: 'A draining worker gets no new instances while its running ones go on; set draining to false to accept instances again.',
  })
  @ApiBody({ type: UpdateWorkerDto })
  @ApiOkResponse({ type: WorkerDto, description: 'The updated worker' })
  @ApiErrors(400, 404, 413, 415)
  update(@JsonBody() input: UpdateWorkerDto): Promise<WorkerDto> {
    return this.workers.update(input);
  }

  @Delete()
  @ApiOperation({ summary: 'Delete worker', description: 'Deletes a worker. With live instances this returns 409 unless `force` is true, which stops them first.' })
  @ApiQuery({ name: 'id', required: false, description: 'Worker id or name, when not sent in the body', schema: { type: 'string' } })
  @ApiQuery({ name: 'force', required: false, schema: { type: 'boolean' } })
  @ApiBody({ type: DeleteWorkerDto, required: false })
  @ApiOkResponse({ type: DeletedDto, description: 'Deleted' })
  @ApiErrors(400, 404, 409)
  delete(@BodyOrQuery() input: DeleteWorkerDto): Promise<DeletedDto> {
    return this.workers.delete(input);
  }
}
