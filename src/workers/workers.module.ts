import { Module } from '@nestjs/common';
import { AgentGateway } from './agent.gateway';
import { LocalWorkerService } from './local-worker.service';
import { WorkerLivenessService } from './worker-liveness.service';
import { WorkersController } from './workers.controller';
import { WorkersRepository } from './workers.repository';
import { WorkersService } from './workers.service';

@Module({
  controllers: [WorkersController],
  providers: [WorkersRepository, WorkersService, AgentGateway, WorkerLivenessService, LocalWorkerService],
  exports: [WorkersService, WorkersRepository],
})
export class WorkersModule {}
