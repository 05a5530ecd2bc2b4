import request from 'supertest';
import { gamePortRange } from './support/game-ports';
import { InvalidTokenError, MatchmakingError, OmninannyClient } from '../sdk/src';
import { GAME_SERVER } from './support/agent-process';
import { RunningApp, startApp } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';
import { eventually } from './support/poll';
import { readFirstLine } from './support/tcp';

const PORTS = gamePortRange(10);

/** The typed client SDK against the real server and its local worker. */
describe('client SDK end to end', () => {
  let database: TestDatabase;
  let running: RunningApp;
  const clients: OmninannyClient[] = [];

  const auth = () => ({ Authorization: `Bearer ${running.key}` });

  async function client(sub: string): Promise<OmninannyClient> {
    const created = await request(running.url).post('/api/server/user').set(auth()).send({ sub, nickname: `nick-${sub}` });
    const connected = await OmninannyClient.connect(running.url, { token: created.body.token, transports: ['websocket'] });
    clients.push(connected);
    return connected;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    running = await startApp(database, { OMNINANNY_LOCAL_WORKER: 'true', OMNINANNY_LOCAL_WORKER_PORTS: `${PORTS.min}-${PORTS.max}`, OMNINANNY_STOP_GRACE_SECONDS: '2' });
    await eventually(
      () => request(running.url).get('/api/server/worker').query({ id: 'local' }).set(auth()).then((response) => response.body.workers?.[0]?.status),
      (status) => status === 'online',
      20_000,
    );
    await request(running.url)
      .post('/api/server/server')
      .set(auth())
      .send({ name: 'sdk-arena', modes: ['duel', 'solo'], command: process.execPath, args: [GAME_SERVER], players: { min: 2, max: 2 }, ticket_timeout_seconds: 2, env: { GAME_MAX_LIFETIME_MS: '120000' } });
  });

  afterAll(async () => {
    clients.forEach((entry) => entry.close());
    await running?.close();
    await database?.drop();
  });

  it('two clients find each other and reach one game server', async () => {
    const alice = await client('sdk-alice');
    const bob = await client('sdk-bob');

    const [forAlice, forBob] = await Promise.all([alice.join('duel'), bob.join('duel')]);

    expect(forAlice.instance).toBe(forBob.instance);
    expect(forAlice.port).toBe(forBob.port);
    expect(JSON.parse(await readFirstLine(forAlice.host, forAlice.port)).instance).toBe(forAlice.instance);
    expect((await alice.me()).match).toEqual({ in_match: true, host: forAlice.host, port: forAlice.port, mode: 'duel' });
  });

  it('rejects a join that times out', async () => {
    const loner = await client('sdk-loner');

    const error = await loner.join('solo').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MatchmakingError);
    expect((error as MatchmakingError).reason).toBe('timeout');
  });

  it('chats in a channel and directly', async () => {
    const carol = await client('sdk-carol');
    const dave = await client('sdk-dave');
    await carol.chat.join('lobby');
    await dave.chat.join('lobby');
    const received = new Promise((resolve) => dave.once('chat', resolve));

    await carol.chat.send('lobby', 'gl hf');
    expect(await received).toMatchObject({ channel: 'lobby', from: { sub: 'sdk-carol', nickname: 'nick-sdk-carol' }, text: 'gl hf' });

    const direct = new Promise((resolve) => dave.once('chat', resolve));
    await carol.chat.sendTo('sdk-dave', 'psst');
    expect(await direct).toMatchObject({ to: 'sdk-dave', text: 'psst' });
    expect((await dave.chat.history('lobby')).map((message) => message.text)).toEqual(['gl hf']);
  });

  it('acknowledges persisted commands by itself', async () => {
    const erin = await client('sdk-erin');
    const received = new Promise((resolve) => erin.once('command', resolve));

    await request(running.url).post('/api/server/user/command').set(auth()).send({ sub: 'sdk-erin', title: 'reward', body: { coins: 5 }, persist: true });
    expect(await received).toMatchObject({ title: 'reward', body: { coins: 5 }, persisted: true });

    // The acknowledgement follows the listeners; give it a moment to reach the server.
    await new Promise((resolve) => setTimeout(resolve, 300));
    erin.close();

    const token = (await request(running.url).get('/api/server/user').query({ sub: 'sdk-erin' }).set(auth())).body.token;
    const again = new OmninannyClient(running.url, { token, transports: ['websocket'] });
    clients.push(again);
    const redelivered: unknown[] = [];
    again.on('command', (command) => redelivered.push(command));
    await again.connect();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(redelivered).toEqual([]);
  });

  it('rejects a bad token with InvalidTokenError', async () => {
    await expect(OmninannyClient.connect(running.url, { token: 'nope', transports: ['websocket'] })).rejects.toBeInstanceOf(InvalidTokenError);
  });
});
