import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Application, Request, Response } from 'express';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Builds the OpenAPI document from the controllers' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Omninanny server API')
    .setDescription(
      'Server-to-server API that a game backend calls to issue user tokens, read presence and matches, disconnect users and send commands. ' +
        'Every route needs the server key, preferably as `Authorization: Bearer <key>`, or as the `key` query parameter. ' +
        'Every error is `{code, message}`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'server key', description: 'The server key' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'query', name: 'key', description: 'The server key, for clients that cannot set headers' }, 'key')
    .build();

  return SwaggerModule.createDocument(app, config);
}

/** The committed AsyncAPI document of the game-client events, at the package root's docs/. */
export const ASYNCAPI_PATH = join(__dirname, '..', '..', 'docs', 'asyncapi.yaml');

/**
 * Serves the UI at /docs, the JSON document at /docs/json and the AsyncAPI document of
 * the Socket.IO events at /docs/asyncapi.yaml. The AsyncAPI route is registered on
 * Express before the Swagger UI, whose static files would otherwise return 404 for it.
 */
export function setupOpenApi(app: INestApplication): void {
  const express = app.getHttpAdapter().getInstance() as Application;
  express.get('/docs/asyncapi.yaml', (_request: Request, response: Response) => {
    readFile(ASYNCAPI_PATH, 'utf8').then(
      (text) => response.type('application/yaml; charset=utf-8').send(text),
      () => response.status(404).json({ code: 404, message: `the AsyncAPI document is missing from ${ASYNCAPI_PATH}` }),
    );
  });

  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/json', yamlDocumentUrl: 'docs/yaml' });
}
