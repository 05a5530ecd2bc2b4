import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { CommandsController } from './commands.controller';
import { CommandsRepository } from './commands.repository';
import { CommandsService } from './commands.service';

@Module({
  imports: [UsersModule],
  controllers: [CommandsController],
  providers: [CommandsRepository, CommandsService],
  exports: [CommandsService],
})
export class CommandsModule {}
