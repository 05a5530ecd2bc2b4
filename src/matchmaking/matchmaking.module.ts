import { Module } from '@nestjs/common';
import { ServersModule } from '../servers/servers.module';
import { MatchNotifierService } from './match-notifier.service';
import { MatchmakerService } from './matchmaker.service';
import { MatchmakingGateway } from './matchmaking.gateway';
import { MatchmakingService } from './matchmaking.service';
import { TicketsRepository } from './tickets.repository';

@Module({
  imports: [ServersModule],
  providers: [TicketsRepository, MatchNotifierService, MatchmakerService, MatchmakingService, MatchmakingGateway],
  exports: [MatchmakerService],
})
export class MatchmakingModule {}
