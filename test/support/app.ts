import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/config';
import type { TestDatabase } from './database';

export const TEST_KEY = 'test-server-key-0123456789';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef';

export interface RunningApp {
  app: NestExpressApplication;
  /** Base URL such as http://127.0.0.1:40123 */
  url: string;
  key: string;
  close(): Promise<void>;
}

/** Starts the real application on a free loopback port against the given database. */
export async function startApp(database: TestDatabase, env: Record<string, string> = {}): Promise<RunningApp> {
  const config = loadConfig({
    OMNINANNY_DATA_DIR: database.dataDir,
    OMNINANNY_KEY: TEST_KEY,
    OMNINANNY_JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...env,
  });

  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;

  return { app, url: `http://127.0.0.1:${port}`, key: config.serverKey, close: () => app.close() };
}
