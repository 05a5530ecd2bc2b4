import { ApiProperty } from '@nestjs/swagger';
import { SUB_EXAMPLE } from './user.dto';

const TOKEN_EXAMPLE = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...';

export class CreatedTokenDto {
  @ApiProperty({ description: 'Signed JWT (HS256) that the game client connects with', example: TOKEN_EXAMPLE })
  token: string;

  @ApiProperty({ example: '@alec1o' })
  nickname: string;

  @ApiProperty({ example: SUB_EXAMPLE })
  sub: string;
}

export class MatchDto {
  @ApiProperty({ example: true })
  in_match: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Game server address; null outside a match', example: '127.0.0.1' })
  host: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Game server port; null outside a match', example: 8080 })
  port: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Game mode; null outside a match', example: 'ranked-battle-royale' })
  mode: string | null;
}

export class UserInfoDto {
  @ApiProperty({ example: SUB_EXAMPLE })
  sub: string;

  @ApiProperty({ example: 200 })
  code: number;

  @ApiProperty({ description: 'A freshly signed token for the user', example: TOKEN_EXAMPLE })
  token: string;

  @ApiProperty({ example: '@alec1o' })
  nickname: string;

  @ApiProperty({ description: 'True while at least one socket of the user is connected to any node', example: true })
  is_online: boolean;

  @ApiProperty({ type: MatchDto })
  match: MatchDto;
}

export class DisconnectedDto {
  @ApiProperty({ example: 200 })
  code: number;

  @ApiProperty({ description: 'True when at least one socket was closed', example: true })
  disconnected: boolean;

  @ApiProperty({ example: SUB_EXAMPLE })
  sub: string;
}
