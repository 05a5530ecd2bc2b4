import { Controller, Delete, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ServerKeyGuard } from '../auth/server-key.guard';
import { BodyOrQuery, JsonBody } from '../common/request-input.decorators';
import { ApiErrors, ApiServerKey } from '../openapi/error-responses';
import { DeletedDto } from '../common/deleted.dto';
import { CreateServerDto, DeleteServerDto, ServerDto, ServerFilterDto, ServerListDto } from './dto/server.dto';
import { ServersService } from './servers.service';

@ApiTags('server')
@ApiServerKey()
@UseGuards(ServerKeyGuard)
@Controller('api/server/server')
export class ServersController {
  constructor(private readonly servers: ServersService) {}

  @Get()
  @ApiOperation({ summary: 'Get servers', description: 'Lists game server definitions with their live instance counts.' })
  @ApiQuery({ name: 'id', required: false, description: 'Only this server (id or name)', schema: { type: 'string' } })
  @ApiOkResponse({ type: ServerListDto, description: 'Success' })
  @ApiErrors(400, 404)
  list(@BodyOrQuery() filter: ServerFilterDto): Promise<ServerListDto> {
    return this.servers.list(filter);
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Create server', description: 'Defines a game server: what to run, for which modes and players, and how to tell it is ready.' })
  @ApiBody({ type: CreateServerDto })
  @ApiCreatedResponse({ type: ServerDto, description: 'Created' })
  @ApiErrors(400, 409, 413, 415)
  create(@JsonBody() input: CreateServerDto): Promise<ServerDto> {
    return this.servers.create(input);
  }

  @Delete()
  @ApiOperation({ summary: 'Delete server', description: 'Deletes a server definition. With live instances this returns 409 unless `force` is true, which stops them first.' })
  @ApiQuery({ name: 'id', required: false, description: 'Server id or name, when not sent in the body', schema: { type: 'string' } })
  @ApiQuery({ name: 'force', required: false, schema: { type: 'boolean' } })
  @ApiBody({ type: DeleteServerDto, required: false })
  @ApiOkResponse({ type: DeletedDto, description: 'Deleted' })
  @ApiErrors(400, 404, 409)
  delete(@BodyOrQuery() input: DeleteServerDto): Promise<DeletedDto> {
    return this.servers.delete(input);
  }
}
