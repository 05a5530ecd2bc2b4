import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ServerKeyGuard } from '../auth/server-key.guard';
import { APP_CONFIG, AppConfig } from '../config/config';

/** Requires the server key on /metrics only when OMNINANNY_METRICS_KEY_REQUIRED is true. */
@Injectable()
export class MetricsKeyGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly serverKey: ServerKeyGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return this.config.metricsKeyRequired ? this.serverKey.canActivate(context) : true;
  }
}
