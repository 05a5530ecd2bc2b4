import { IsUUID } from 'class-validator';

export class CommandAckDto {
  @IsUUID('all', { message: 'id must be a command id (UUID)' })
  id: string;
}

/** Acknowledgement of every client event: `{ok: true, …}` or `{ok: false, code, message}`. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; code: number; message: string; errors?: string[] };
