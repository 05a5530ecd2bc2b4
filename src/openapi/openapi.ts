import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

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

/** Serves the UI at /docs and the JSON document at /docs/json. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/json', yamlDocumentUrl: 'docs/yaml' });
}
