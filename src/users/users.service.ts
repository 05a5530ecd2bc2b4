import { Injectable, Logger } from '@nestjs/common';
import { TokenService } from '../auth/token.service';
import { userNotFound } from '../common/api-error';
import { InstancesRepository } from '../instances/instances.repository';
import { PresenceService } from '../presence/presence.service';
import { CreatedTokenDto, DisconnectedDto, MatchDto, UserInfoDto } from './dto/user-responses.dto';
import { UserRecord, UsersRepository } from './users.repository';

export const NO_MATCH: MatchDto = Object.freeze({ in_match: false, host: null, port: null, mode: null });

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly presence: PresenceService,
    private readonly instances: InstancesRepository,
  ) {}

  async createToken(sub: string, nickname: string): Promise<CreatedTokenDto> {
    const user = await this.users.upsert(sub, nickname);
    return { token: this.tokens.sign(user), nickname: user.nickname, sub: user.sub };
  }

  async getInfo(sub: string): Promise<UserInfoDto> {
    const user = await this.requireUser(sub);
    return this.describe(user);
  }

  /** Builds the user info object of GET /api/server/user, also sent for the `user:me` event. */
  async describe(user: UserRecord): Promise<UserInfoDto> {
    const [sockets, match] = await Promise.all([this.presence.countSockets(user.sub), this.instances.findMatchOf(user.sub)]);
    return {
      sub: user.sub,
      code: 200,
      token: this.tokens.sign(user),
      nickname: user.nickname,
      is_online: sockets > 0,
      match: match ? { in_match: true, host: match.host, port: match.port, mode: match.mode } : { ...NO_MATCH },
    };
  }

  /** Closes every socket of the user; with revoke, also invalidates every earlier token. */
  async disconnect(sub: string, revoke: boolean): Promise<DisconnectedDto> {
    const user = revoke ? await this.users.bumpTokenVersion(sub) : await this.users.find(sub);
    if (!user) {
      throw userNotFound();
    }
    if (revoke) {
      this.logger.log(`revoked the tokens of user ${JSON.stringify(sub)}`);
    }

    const closed = await this.presence.disconnectUser(sub);
    return { code: 200, disconnected: closed > 0, sub };
  }

  async requireUser(sub: string): Promise<UserRecord> {
    const user = await this.users.find(sub);
    if (!user) {
      throw userNotFound();
    }
    return user;
  }
}
