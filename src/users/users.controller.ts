import { Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ServerKeyGuard } from '../auth/server-key.guard';
import { BodyOrQuery, JsonBody } from '../common/request-input.decorators';
import { ApiErrors, ApiServerKey } from '../openapi/error-responses';
import { CreateUserDto, DisconnectUserDto, UserLookupDto } from './dto/user.dto';
import { CreatedTokenDto, DisconnectedDto, UserInfoDto } from './dto/user-responses.dto';
import { UsersService } from './users.service';

@ApiTags('user')
@ApiServerKey()
@UseGuards(ServerKeyGuard)
@Controller('api/server/user')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'Get user info', description: 'Presence, current match and a fresh token of one user. `sub` may come in the JSON body or in the query string.' })
  @ApiQuery({ name: 'sub', required: false, description: 'User ID, when not sent in the body', schema: { type: 'string' } })
  @ApiBody({ type: UserLookupDto, required: false })
  @ApiOkResponse({ type: UserInfoDto, description: 'Success' })
  @ApiErrors(400, 404)
  getInfo(@BodyOrQuery() input: UserLookupDto): Promise<UserInfoDto> {
    return this.users.getInfo(input.sub);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create user token', description: 'Creates the user, or renames an existing one, and returns a token the game client connects with.' })
  @ApiBody({ type: CreateUserDto })
  @ApiOkResponse({ type: CreatedTokenDto, description: 'token created' })
  @ApiErrors(400, 413, 415)
  createToken(@JsonBody() input: CreateUserDto): Promise<CreatedTokenDto> {
    return this.users.createToken(input.sub, input.nickname);
  }

  @Delete()
  @ApiOperation({ summary: 'Disconnect user', description: 'Closes every socket of the user on every node. `sub` and `revoke` may come in the body or in the query string.' })
  @ApiQuery({ name: 'sub', required: false, description: 'User ID, when not sent in the body', schema: { type: 'string' } })
  @ApiQuery({ name: 'revoke', required: false, description: 'true to also invalidate every earlier token', schema: { type: 'boolean' } })
  @ApiBody({ type: DisconnectUserDto, required: false })
  @ApiOkResponse({ type: DisconnectedDto, description: 'Success' })
  @ApiErrors(400, 404)
  disconnect(@BodyOrQuery() input: DisconnectUserDto): Promise<DisconnectedDto> {
    return this.users.disconnect(input.sub, input.revoke ?? false);
  }
}
