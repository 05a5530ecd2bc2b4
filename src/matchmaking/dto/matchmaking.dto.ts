import { IsObject, IsOptional } from 'class-validator';
import { IsJsonValue, IsName } from '../../common/validators';

export class JoinMatchmakingDto {
  @IsName(1, 128)
  mode: string;

  @IsOptional()
  @IsObject({ message: 'properties must be an object' })
  @IsJsonValue(4096)
  properties?: Record<string, unknown>;
}

/** Payload of `matchmaking:matched`, sent to every socket of every player of the match. */
export interface MatchedEvent {
  ticket: string;
  mode: string;
  host: string;
  port: number;
  instance: string;
  players: string[];
}

/** Payload of `matchmaking:failed`. */
export interface MatchFailedEvent {
  ticket: string;
  reason: string;
}
