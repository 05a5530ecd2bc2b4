import type { OpenAPIObject } from '@nestjs/swagger';
import { createApp } from '../app.factory';
import { loadConfig } from '../config/config';
import { buildOpenApiDocument } from './openapi';

/**
 * Builds the OpenAPI document without connecting to a database: the application is
 * created but never initialised, so no lifecycle hook runs.
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig({
    OMNINANNY_KEY: 'openapi-generation-only',
    OMNINANNY_JWT_SECRET: 'openapi-generation-only',
    OMNINANNY_DATA_DIR: '/nonexistent',
    LOG_LEVEL: 'error',
  });
  const app = await createApp(config);
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
