import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { AppModule } from './app.module';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { jsonBodyMiddleware } from './common/json-body.middleware';
import { requestLogMiddleware } from './common/request-log.middleware';
import { createValidationPipe } from './common/validation';
import { AppConfig, LOG_LEVELS } from './config/config';
import { setupOpenApi } from './openapi/openapi';
import { RedisIoAdapter } from './presence/redis-io.adapter';

export function logLevelsFrom(level: AppConfig['logLevel']): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1) as LogLevel[];
}

async function createWebSocketAdapter(app: NestExpressApplication, config: AppConfig): Promise<IoAdapter> {
  if (!config.redisUrl) {
    return new IoAdapter(app);
  }
  const adapter = new RedisIoAdapter(app, config.redisUrl, config.redisPrefix);
  await adapter.connect();
  return adapter;
}

/** Creates the configured application without listening, for main.ts and the tests. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: logLevelsFrom(config.logLevel),
  });

  app.disable('x-powered-by');
  app.use(requestLogMiddleware);
  app.use(jsonBodyMiddleware());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useWebSocketAdapter(await createWebSocketAdapter(app, config));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  setupOpenApi(app);

  return app;
}
