import { Module } from '@nestjs/common';
import { ServersModule } from '../servers/servers.module';
import { WorkersModule } from '../workers/workers.module';
import { OrchestrationController } from './orchestration.controller';
import { OrchestrationService } from './orchestration.service';

@Module({
  imports: [ServersModule, WorkersModule],
  controllers: [OrchestrationController],
  providers: [OrchestrationService],
  exports: [OrchestrationService],
})
export class OrchestrationModule {}
