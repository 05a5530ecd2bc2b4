import { Global, Module } from '@nestjs/common';
import { AgentLinkService } from './agent-link.service';
import { InstanceLauncherService } from './instance-launcher.service';
import { InstanceLifecycleService } from './instance-lifecycle.service';
import { InstancesRepository } from './instances.repository';
import { PlacementRepository } from './placement.repository';

/** Instance records, placement and the link to worker agents, shared by the features. */
@Global()
@Module({
  providers: [InstancesRepository, PlacementRepository, AgentLinkService, InstanceLifecycleService, InstanceLauncherService],
  exports: [InstancesRepository, PlacementRepository, AgentLinkService, InstanceLifecycleService, InstanceLauncherService],
})
export class InstancesModule {}
