import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ServerKeyGuard } from '../auth/server-key.guard';
import { JsonBody } from '../common/request-input.decorators';
import { ApiErrors, ApiServerKey } from '../openapi/error-responses';
import { CommandsService } from './commands.service';
import { CommandSentDto, SendCommandDto } from './dto/command.dto';

@ApiTags('user')
@ApiServerKey()
@UseGuards(ServerKeyGuard)
@Controller('api/server/user/command')
export class CommandsController {
  constructor(private readonly commands: CommandsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'User command (Event / Chat)',
    description: 'Sends a `command` event to every connected socket of the user. With `persist: true` the command is stored and delivered again on each connection until acknowledged.',
  })
  @ApiBody({ type: SendCommandDto })
  @ApiOkResponse({ type: CommandSentDto, description: 'Success' })
  @ApiErrors(400, 404, 413, 415)
  send(@JsonBody() input: SendCommandDto): Promise<CommandSentDto> {
    return this.commands.send(input);
  }
}
