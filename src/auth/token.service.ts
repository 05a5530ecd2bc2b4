import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../config/config';

/** Claims of a user token. `ver` must equal the user's token version for it to be accepted. */
export interface UserTokenClaims {
  sub: string;
  nickname: string;
  ver: number;
  iat: number;
  exp: number;
}

export interface TokenSubject {
  sub: string;
  nickname: string;
  tokenVersion: number;
}

/** Signs and verifies the HS256 user tokens that game clients connect with. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  sign(user: TokenSubject): string {
    return this.jwt.sign(
      { nickname: user.nickname, ver: user.tokenVersion },
      { subject: user.sub, expiresIn: this.config.tokenTtlSeconds },
    );
  }

  /** Returns the claims of a valid, unexpired token, or undefined for anything else. */
  verify(token: string): UserTokenClaims | undefined {
    try {
      const claims = this.jwt.verify<UserTokenClaims>(token, { algorithms: ['HS256'] });
      const valid = typeof claims.sub === 'string' && typeof claims.nickname === 'string' && Number.isInteger(claims.ver);
      return valid ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}
