import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { UsersModule } from '../users/users.module';
import { ClientGateway } from './client.gateway';

@Module({
  imports: [UsersModule, CommandsModule],
  providers: [ClientGateway],
})
export class GatewayModule {}
