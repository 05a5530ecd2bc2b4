import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { ChatHistoryPruner } from './chat-history-pruner.service';
import { ChatGateway } from './chat.gateway';
import { ChatRepository } from './chat.repository';
import { ChatService } from './chat.service';

@Module({
  imports: [UsersModule],
  providers: [ChatGateway, ChatService, ChatRepository, ChatHistoryPruner],
})
export class ChatModule {}
