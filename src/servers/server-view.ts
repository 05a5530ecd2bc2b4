import { GameServer } from '../generated/prisma/client';
import { ReadinessDto, ServerDto } from './dto/server.dto';
import { ServerWithLoad } from './servers.repository';

export function toServerDto(server: GameServer | ServerWithLoad): ServerDto {
  return {
    id: server.id,
    name: server.name,
    modes: server.modes,
    command: server.command,
    args: server.args,
    env: server.env as Record<string, string>,
    players: { min: server.playersMin, max: server.playersMax },
    match_wait_seconds: server.matchWaitSeconds,
    max_instances: server.maxInstances,
    readiness: server.readiness as unknown as ReadinessDto,
    start_timeout_seconds: server.startTimeoutSeconds,
    ticket_timeout_seconds: server.ticketTimeoutSeconds,
    running_instances: 'runningInstances' in server ? server.runningInstances : 0,
    created_at: server.createdAt.toISOString(),
  };
}
