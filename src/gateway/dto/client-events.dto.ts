import { IsUUID } from 'class-validator';

export class CommandAckDto {
  @IsUUID('all', { message: 'id must be a command id (UUID)' })
  id: string;
}

export type { AckResult as Ack } from '../../common/socket-ack';
