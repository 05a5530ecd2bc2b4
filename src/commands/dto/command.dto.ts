import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsJsonValue, IsName, IsQueryBoolean } from '../../common/validators';
import { SUB_EXAMPLE, UserLookupDto } from '../../users/dto/user.dto';

export const COMMAND_BODY_MAX_BYTES = 64 * 1024;

export class SendCommandDto extends UserLookupDto {
  @ApiProperty({ description: 'Command title', minLength: 1, maxLength: 128, example: 'reward' })
  @IsName(1, 128)
  title: string;

  @ApiProperty({
    description: 'Command body: any JSON value up to 64 KiB serialized',
    example: { coins: 100 },
    oneOf: [{ type: 'object' }, { type: 'array', items: {} }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }],
    nullable: true,
  })
  @IsJsonValue(COMMAND_BODY_MAX_BYTES)
  body: unknown;

  @ApiPropertyOptional({
    description: 'Store the command and deliver it on every connection of the user until the client acknowledges it with `command:ack`',
    default: false,
  })
  @IsOptional()
  @IsQueryBoolean()
  persist?: boolean;
}

export class CommandSentDto {
  @ApiProperty({ example: 200 })
  code: number;

  @ApiProperty({ description: 'True when at least one live socket of the user received the command', example: true })
  sent: boolean;

  @ApiProperty({ example: SUB_EXAMPLE })
  sub: string;

  @ApiPropertyOptional({ description: 'Present and true when the command was persisted', example: true })
  queued?: boolean;
}

/** Payload of the `command` event a game client receives. */
export interface CommandEvent {
  id: string;
  title: string;
  body: unknown;
  sent_at: string;
  /** Present on persisted commands: the client must acknowledge them with `command:ack`. */
  persisted?: true;
}
