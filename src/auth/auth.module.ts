import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/config';
import { ServerKeyGuard } from './server-key.guard';
import { TokenService } from './token.service';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      // A KeyObject, because jsonwebtoken first tries a string secret as a PEM key on every
      // sign and verify, and those failed parses cost more than the HMAC itself.
      useFactory: (config: AppConfig) => ({ secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')), signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  providers: [ServerKeyGuard, TokenService],
  exports: [ServerKeyGuard, TokenService],
})
export class AuthModule {}
