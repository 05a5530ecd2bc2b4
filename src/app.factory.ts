import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { LeanIoAdapter } from './gateway/lean-io.adapter';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { jsonBodyMiddleware } from './common/json-body.middleware';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/config';
import { PinoLoggerService } from './logging/pino-logger.service';
import { requestLogMiddleware } from './logging/request-log.middleware';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsService } from './metrics/metrics.service';
import { setupOpenApi } from './openapi/openapi';
import { RedisIoAdapter } from './presence/redis-io.adapter';

async function createWebSocketAdapter(app: NestExpressApplication, config: AppConfig): Promise<LeanIoAdapter> {
  if (!config.redisUrl) {
    return new LeanIoAdapter(app);
  }
  const adapter = new RedisIoAdapter(app, config.redisUrl, config.redisPrefix);
  await adapter.connect();
  return adapter;
}

/** Creates the configured application without listening, for main.ts and the tests. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new PinoLoggerService({ level: config.logLevel, format: config.logFormat }),
  });

  app.disable('x-powered-by');
  // Clients do not cache API responses, and an ETag costs a hash of every response body.
  app.set('etag', false);
  app.use(requestLogMiddleware({ debug: config.logLevel === 'debug' || config.logLevel === 'verbose' }));
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.use(jsonBodyMiddleware());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useWebSocketAdapter(await createWebSocketAdapter(app, config));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  setupOpenApi(app);

  return app;
}
