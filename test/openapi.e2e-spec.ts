import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { generateOpenApiDocument } from '../src/openapi/generate';
import { RunningApp, startApp } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';

const PUBLIC_ROUTES = [
  ['/api/server/user', 'get'],
  ['/api/server/user', 'post'],
  ['/api/server/user', 'delete'],
  ['/api/server/user/command', 'post'],
] as const;

describe('OpenAPI document', () => {
  it('matches the committed openapi.json (run `npm run openapi` after an API change)', async () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'));
    const generated = JSON.parse(JSON.stringify(await generateOpenApiDocument()));

    expect(generated).toEqual(committed);
  });

  it.each(PUBLIC_ROUTES)('documents %s %s with the key and its errors', async (path, method) => {
    const document = await generateOpenApiDocument();
    const operation = document.paths[path]?.[method];

    expect(operation).toBeDefined();
    expect(operation!.parameters?.some((parameter) => 'name' in parameter && parameter.name === 'key')).toBe(true);
    expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(operation!.security).toEqual([{ bearer: [] }, { key: [] }]);
  });

  describe('served with the health probes', () => {
    let database: TestDatabase;
    let running: RunningApp;

    beforeAll(async () => {
      database = await createTestDatabase();
      running = await startApp(database);
    });

    afterAll(async () => {
      await running?.close();
      await database?.drop();
    });

    it('health probes answer without a key', async () => {
      const live = await request(running.url).get('/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });

      const ready = await request(running.url).get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ok', database: 'up' });
    });

    it('at /docs/json and /docs', async () => {
      const json = await request(running.url).get('/docs/json');
      expect(json.status).toBe(200);
      expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/api/server/user', '/api/server/user/command']));

      const asyncApi = await request(running.url).get('/docs/asyncapi.yaml');
      expect(asyncApi.status).toBe(200);
      expect(asyncApi.headers['content-type']).toContain('application/yaml');
      expect(asyncApi.text).toContain('matchmaking:join');

      const ui = await request(running.url).get('/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
    });
  });
});
