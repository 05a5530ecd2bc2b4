import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { connectClient } from '../support/clients';
import { RunningApp, startApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const NO_MATCH = { in_match: false, host: null, port: null, mode: null };

/**
 * The user API: exact response shapes, key handling, body and query input, bad input.
 * Shared by the PostgreSQL and the embedded database runs.
 */
export function describeUserApi(label: string, options: { embedded?: boolean } = {}) {
  describe(`user API (${label})`, () => {
    let database: TestDatabase;
    let running: RunningApp;
    const sockets: Socket[] = [];

    const api = () => request(running.url);
    const auth = () => ({ Authorization: `Bearer ${running.key}` });

    async function createUser(sub: string, nickname = `nick-${sub}`) {
      const response = await api().post('/api/server/user').set(auth()).send({ sub, nickname });
      expect(response.status).toBe(200);
      return response.body as { token: string; nickname: string; sub: string };
    }

    beforeAll(async () => {
      database = await createTestDatabase(options);
      running = await startApp(database);
    });

    afterEach(() => {
      sockets.splice(0).forEach((socket) => socket.close());
    });

    afterAll(async () => {
      await running?.close();
      await database?.drop();
    });

    describe('POST /api/server/user', () => {
      it('returns exactly token, nickname and sub', async () => {
        const response = await api().post('/api/server/user').set(auth()).send({ sub: '0123456789', nickname: '@alec1o' });

        expect(response.status).toBe(200);
        expect(Object.keys(response.body).sort()).toEqual(['nickname', 'sub', 'token']);
        expect(response.body.sub).toBe('0123456789');
        expect(response.body.nickname).toBe('@alec1o');
        expect(response.body.token).toMatch(JWT_SHAPE);
      });

      it('signs an HS256 token with the documented claims', async () => {
        const { token } = await createUser('claims-user', 'Claims');
        const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));

        expect(header.alg).toBe('HS256');
        expect(payload.sub).toBe('claims-user');
        expect(payload.nickname).toBe('Claims');
        expect(payload.ver).toBe(0);
        expect(payload.exp - payload.iat).toBe(24 * 3600);
      });

      it('renames an existing user', async () => {
        await createUser('rename-me', 'first');
        await createUser('rename-me', 'second');
        const info = await api().get('/api/server/user').query({ sub: 'rename-me' }).set(auth());

        expect(info.body.nickname).toBe('second');
      });

      it('accepts the key as a query parameter', async () => {
        const response = await api().post('/api/server/user').query({ key: running.key }).send({ sub: 'query-key', nickname: 'q' });
        expect(response.status).toBe(200);
      });

      it('keeps unicode and URL-special characters intact', async () => {
        const cases = [
          { sub: 'ユーザー/1?a=b&c=%20#x', nickname: 'Ünïcødé 🎮 "quoted" <tag>' },
          { sub: "o'reilly; DROP TABLE users;--", nickname: '\\back\\slash' },
          { sub: 'x'.repeat(128), nickname: 'n'.repeat(64) },
        ];

        for (const input of cases) {
          const created = await api().post('/api/server/user').set(auth()).send(input);
          expect(created.status).toBe(200);
          expect(created.body.sub).toBe(input.sub);
          expect(created.body.nickname).toBe(input.nickname);

          const info = await api().get('/api/server/user').query({ sub: input.sub }).set(auth());
          expect(info.status).toBe(200);
          expect(info.body.sub).toBe(input.sub);
          expect(info.body.nickname).toBe(input.nickname);
        }
      });

      it('survives 20 concurrent requests for one sub', async () => {
        const responses = await Promise.all(
          Array.from({ length: 20 }, (_, i) => api().post('/api/server/user').set(auth()).send({ sub: 'concurrent', nickname: `n${i}` })),
        );

        expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
        const info = await api().get('/api/server/user').query({ sub: 'concurrent' }).set(auth());
        expect(info.status).toBe(200);
        expect(responses.map((response) => response.body.nickname)).toContain(info.body.nickname);
      });
    });

    describe('GET /api/server/user', () => {
      it('returns the full shape offline', async () => {
        await createUser('offline-user', 'Offline');
        const response = await api().get('/api/server/user').query({ sub: 'offline-user' }).set(auth());

        expect(response.status).toBe(200);
        expect(Object.keys(response.body)).toEqual(['sub', 'code', 'token', 'nickname', 'is_online', 'match']);
        expect(response.body).toEqual({
          sub: 'offline-user',
          code: 200,
          token: expect.stringMatching(JWT_SHAPE),
          nickname: 'Offline',
          is_online: false,
          match: NO_MATCH,
        });
      });

      it('takes sub from a JSON body', async () => {
        await createUser('body-sub');
        const response = await api().get('/api/server/user').set(auth()).set('Content-Type', 'application/json').send(JSON.stringify({ sub: 'body-sub' }));

        expect(response.status).toBe(200);
        expect(response.body.sub).toBe('body-sub');
      });

      it('shows is_online while a socket is connected', async () => {
        const { token } = await createUser('online-user');
        const socket = await connectClient(running.url, { auth: { token } });
        sockets.push(socket);

        const online = await api().get('/api/server/user').query({ sub: 'online-user' }).set(auth());
        expect(online.body.is_online).toBe(true);

        socket.close();
        await new Promise((resolve) => setTimeout(resolve, 200));
        const offline = await api().get('/api/server/user').query({ sub: 'online-user' }).set(auth());
        expect(offline.body.is_online).toBe(false);
      });

      it('returns a token that connects', async () => {
        await createUser('fresh-token');
        const info = await api().get('/api/server/user').query({ sub: 'fresh-token' }).set(auth());
        const socket = await connectClient(running.url, { auth: { token: info.body.token } });
        sockets.push(socket);

        expect(socket.connected).toBe(true);
      });

      it('answers 404 for an unknown user', async () => {
        const response = await api().get('/api/server/user').query({ sub: 'nobody' }).set(auth());

        expect(response.status).toBe(404);
        expect(response.body).toEqual({ code: 404, message: 'user not found' });
      });
    });

    describe('server key', () => {
      const routes: [string, string][] = [
        ['get', '/api/server/user'],
        ['post', '/api/server/user'],
        ['delete', '/api/server/user'],
        ['post', '/api/server/user/command'],
      ];

      it.each(routes)('%s %s answers 401 without the key', async (method, path) => {
        const response = await (api() as any)[method](path).send({ sub: 'x', nickname: 'x', title: 't', body: 1 });

        expect(response.status).toBe(401);
        expect(response.body).toEqual({ code: 401, message: 'invalid key' });
      });

      it.each(routes)('%s %s answers 401 for a wrong key', async (method, path) => {
        const wrongQuery = await (api() as any)[method](path).query({ key: `${running.key}x` }).send({ sub: 'x' });
        const wrongHeader = await (api() as any)[method](path).set('Authorization', 'Bearer nope').send({ sub: 'x' });
        const notBearer = await (api() as any)[method](path).set('Authorization', running.key).send({ sub: 'x' });

        for (const response of [wrongQuery, wrongHeader, notBearer]) {
          expect(response.status).toBe(401);
          expect(response.body).toEqual({ code: 401, message: 'invalid key' });
        }
      });

      it('checks the key before the body', async () => {
        const response = await api().post('/api/server/user').send({ nickname: 'no sub' });
        expect(response.status).toBe(401);
      });
    });

    describe('bad input', () => {
      const invalid = [
        ['missing sub', { nickname: 'x' }],
        ['missing nickname', { sub: 'x' }],
        ['numeric sub', { sub: 123, nickname: 'x' }],
        ['null nickname', { sub: 'x', nickname: null }],
        ['empty sub', { sub: '', nickname: 'x' }],
        ['sub of 129 characters', { sub: 'x'.repeat(129), nickname: 'x' }],
        ['nickname of 65 characters', { sub: 'x', nickname: 'n'.repeat(65) }],
        ['unknown field', { sub: 'x', nickname: 'x', admin: true }],
        ['NUL in sub', { sub: 'a\u0000b', nickname: 'x' }],
        ['object as sub', { sub: { $gt: '' }, nickname: 'x' }],
      ] as const;

      it.each(invalid)('POST with %s answers 400 invalid body', async (_case, body) => {
        const response = await api().post('/api/server/user').set(auth()).send(body);

        expect(response.status).toBe(400);
        expect(response.body.code).toBe(400);
        expect(response.body.message).toBe('invalid body');
        expect(Array.isArray(response.body.errors)).toBe(true);
      });

      it('answers 400 for malformed JSON', async () => {
        const response = await api().post('/api/server/user').set(auth()).set('Content-Type', 'application/json').send('{"sub": "x",');

        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ code: 400, message: 'invalid body' });
      });

      it('answers 400 for a JSON array body', async () => {
        const response = await api().post('/api/server/user').set(auth()).send([{ sub: 'x', nickname: 'x' }]);
        expect(response.status).toBe(400);
        expect(response.body.message).toBe('invalid body');
      });

      it('answers 413 for a body over 1 MiB', async () => {
        const response = await api()
          .post('/api/server/user')
          .set(auth())
          .send({ sub: 'big', nickname: 'x', pad: 'p'.repeat(1024 * 1024 + 10) });

        expect(response.status).toBe(413);
        expect(response.body).toEqual({ code: 413, message: 'request body is larger than 1 MiB' });
      });

      it('answers 400 for a scalar JSON body', async () => {
        const response = await api().post('/api/server/user').set(auth()).set('Content-Type', 'application/json').send('"text"');

        expect(response.status).toBe(400);
        expect(response.body).toEqual({ code: 400, message: 'invalid body', errors: ['the body must be a JSON object'] });
      });

      it('answers 400 for deeply nested JSON', async () => {
        const deep = '['.repeat(5000) + ']'.repeat(5000);
        const response = await api()
          .post('/api/server/user/command')
          .set(auth())
          .set('Content-Type', 'application/json')
          .send(`{"sub":"x","title":"t","body":${deep}}`);

        expect(response.status).toBe(400);
        expect(response.body).toEqual({ code: 400, message: 'invalid body', errors: ['the body is nested deeper than 64 levels'] });
      });

      it.each(['__proto__', 'constructor'])('answers 400 for a %s key', async (key) => {
        const response = await api().post('/api/server/user').set(auth()).set('Content-Type', 'application/json').send(`{"sub":"x","nickname":"y","${key}":{"admin":true}}`);

        expect(response.status).toBe(400);
        expect(response.body.message).toBe('invalid body');
      });

      it('answers 415 for a body that is not JSON', async () => {
        const response = await api().post('/api/server/user').set(auth()).set('Content-Type', 'text/plain').send('sub=x&nickname=y');

        expect(response.status).toBe(415);
        expect(response.body).toEqual({ code: 415, message: 'the body must be JSON sent as Content-Type: application/json' });
      });

      it('answers 400 for GET without sub', async () => {
        const response = await api().get('/api/server/user').set(auth());
        expect(response.status).toBe(400);
        expect(response.body.message).toBe('invalid body');
      });

      it('answers 404 in the error shape for unknown routes, without the key', async () => {
        const response = await api().get('/api/server/nothing').query({ key: running.key });

        expect(response.status).toBe(404);
        expect(response.body).toEqual({ code: 404, message: 'no route for GET /api/server/nothing' });
        expect(JSON.stringify(response.body)).not.toContain(running.key);
      });

      it('keeps the stored user after rejected requests', async () => {
        await createUser('kept', 'Kept');
        await api().post('/api/server/user').set(auth()).send({ sub: 'kept', nickname: '' });
        await api().post('/api/server/user').set(auth()).send({ sub: 'kept', nickname: 'n'.repeat(65) });

        const info = await api().get('/api/server/user').query({ sub: 'kept' }).set(auth());
        expect(info.body.nickname).toBe('Kept');
      });
    });
  });
}
