import { Module } from '@nestjs/common';
import { ServersController } from './servers.controller';
import { ServersRepository } from './servers.repository';
import { ServersService } from './servers.service';

@Module({
  controllers: [ServersController],
  providers: [ServersRepository, ServersService],
  exports: [ServersService, ServersRepository],
})
export class ServersModule {}
