import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { ChatModule } from './chat/chat.module';
import { ShutdownLogService } from './common/shutdown-log.service';
import { CommandsModule } from './commands/commands.module';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { InstancesModule } from './instances/instances.module';
import { MatchmakingModule } from './matchmaking/matchmaking.module';
import { MetricsModule } from './metrics/metrics.module';
import { OrchestrationModule } from './orchestration/orchestration.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { ServersModule } from './servers/servers.module';
import { WorkersModule } from './workers/workers.module';
import { PresenceModule } from './presence/presence.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RateLimitModule,
        AuthModule,
        PresenceModule,
        InstancesModule,
        UsersModule,
        CommandsModule,
        GatewayModule,
        ChatModule,
        WorkersModule,
        ServersModule,
        OrchestrationModule,
        MatchmakingModule,
        HealthModule,
        MetricsModule,
      ],
      providers: [ShutdownLogService],
    };
  }
}
