import { Module } from '@nestjs/common';
import { ServersModule } from '../servers/servers.module';
import { MatchNotifierService } from './match-notifier.service';
import { MatchesRepository } from './matches.repository';
import { MatchmakerService } from './matchmaker.service';
import { MatchmakingGateway } from './matchmaking.gateway';
import { MatchmakingService } from './matchmaking.service';
import { TicketSignalService } from './ticket-signal.service';
import { TicketsRepository } from './tickets.repository';

@Module({
  imports: [ServersModule],
  providers: [TicketsRepository, MatchesRepository, MatchNotifierService, MatchmakerService, MatchmakingService, MatchmakingGateway, TicketSignalService],
  exports: [MatchmakerService],
})
export class MatchmakingModule {}
