import { applyDecorators } from '@nestjs/common';
import { IsDefined, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { IsName } from '../../common/validators';

export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
export const CHAT_TEXT_MAX_LENGTH = 1000;
export const CHAT_HISTORY_DEFAULT_LIMIT = 50;
export const CHAT_HISTORY_MAX_LIMIT = 100;

function IsChannelName(): PropertyDecorator {
  const name = { message: ({ property }: { property: string }) => `${property} must be a string of 1 to 64 letters, digits, '.', '_', '-' or ':'` };
  return applyDecorators(IsString(name), Matches(CHANNEL_NAME_PATTERN, name));
}

// PostgreSQL text cannot store NUL.
const NO_NUL = /^[^\u0000]*$/;

/** A string of 1 to 1,000 UTF-16 code units without NUL, so it always fits the 1,000-character column. */
function IsChatText(): PropertyDecorator {
  const length = { message: ({ property }: { property: string }) => `${property} must be a string of 1 to ${CHAT_TEXT_MAX_LENGTH} characters` };
  return applyDecorators(
    IsString(length),
    Length(1, CHAT_TEXT_MAX_LENGTH, length),
    Matches(NO_NUL, { message: ({ property }) => `${property} must not contain NUL characters` }),
  );
}

const integerRange = { message: ({ property }: { property: string }) => `${property} must be an integer from 1 to ${CHAT_HISTORY_MAX_LIMIT}` };

export class ChatChannelDto {
  @IsChannelName()
  channel: string;
}

export class ChatSendDto {
  // A null target counts as absent. `channel` is also validated when `to` is absent, so that
  // a payload with neither target fails here.
  @ValidateIf((message: ChatSendDto) => message.channel != null || message.to == null)
  @IsDefined({ message: 'channel or to is required' })
  @IsChannelName()
  channel?: string | null;

  @ValidateIf((message: ChatSendDto) => message.to != null)
  @ValidateBy({
    name: 'isOnlyTarget',
    validator: {
      validate: (_value, args) => (args?.object as ChatSendDto).channel == null,
      defaultMessage: () => 'set only one of channel and to',
    },
  })
  @IsName(1, 128)
  to?: string | null;

  @IsChatText()
  text: string;
}

export class ChatHistoryDto extends ChatChannelDto {
  @IsOptional()
  @IsInt(integerRange)
  @Min(1, integerRange)
  @Max(CHAT_HISTORY_MAX_LIMIT, integerRange)
  limit?: number;
}

export interface ChatSender {
  sub: string;
  nickname: string;
}

/** Payload of the `chat:message` event for a channel message, also the entries of `chat:history`. */
export interface ChannelMessageEvent {
  id: string;
  channel: string;
  from: ChatSender;
  text: string;
  sent_at: string;
}

/** Payload of the `chat:message` event for a direct message. */
export interface DirectMessageEvent {
  id: string;
  from: ChatSender;
  to: string;
  text: string;
  sent_at: string;
}
