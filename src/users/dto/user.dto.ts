import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsName, IsQueryBoolean } from '../../common/validators';

export const SUB_EXAMPLE = '0123456789';

export class UserLookupDto {
  @ApiProperty({ description: 'User ID, the game backend\'s own id for the player', minLength: 1, maxLength: 128, example: SUB_EXAMPLE })
  @IsName(1, 128)
  sub: string;
}

export class CreateUserDto extends UserLookupDto {
  @ApiProperty({ description: 'Display name; send the user ID again if the game has no nicknames', minLength: 1, maxLength: 64, example: '@alec1o' })
  @IsName(1, 64)
  nickname: string;
}

export class DisconnectUserDto extends UserLookupDto {
  @ApiPropertyOptional({
    description: 'Also invalidate every token issued so far, so the client cannot reconnect until the game backend issues a new one',
    default: false,
  })
  @IsOptional()
  @IsQueryBoolean()
  revoke?: boolean;
}
