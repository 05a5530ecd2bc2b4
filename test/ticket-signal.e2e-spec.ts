import { Client } from 'pg';
import { loadConfig } from '../src/config/config';
import { MatchmakerService } from '../src/matchmaking/matchmaker.service';
import { TicketSignalService } from '../src/matchmaking/ticket-signal.service';
import { TICKETS_CHANNEL, TicketsRepository } from '../src/matchmaking/tickets.repository';
import { postgresAdminUrl } from './support/database';
import { eventually } from './support/poll';

const url = postgresAdminUrl();
const describeOnPostgres = url ? describe : describe.skip;

describeOnPostgres('TicketSignalService on PostgreSQL', () => {
  let signal: TicketSignalService;
  let sender: Client;
  const trigger = jest.fn();

  beforeAll(async () => {
    const config = loadConfig({ DATABASE_URL: url!, OMNINANNY_KEY: 'signal-test-key-0123456789', OMNINANNY_JWT_SECRET: 'signal-test-secret-0123456789abcd', OMNINANNY_DATA_DIR: '/tmp' });
    const tickets = { nodeTag: 'this-node' } as unknown as TicketsRepository;
    signal = new TicketSignalService(config, { trigger } as unknown as MatchmakerService, tickets);
    await signal.onApplicationBootstrap();

    sender = new Client({ connectionString: url });
    await sender.connect();
  });

  afterAll(async () => {
    await signal.onModuleDestroy();
    await sender.end();
  });

  beforeEach(() => trigger.mockClear());

  it('runs the matcher when another node creates a ticket', async () => {
    await sender.query('SELECT pg_notify($1, $2)', [TICKETS_CHANNEL, 'other-node']);

    await eventually(async () => trigger.mock.calls.length, (calls) => calls === 1, 3000);
  });

  it('ignores the notifications of its own node, whose join already ran the matcher', async () => {
    await sender.query('SELECT pg_notify($1, $2)', [TICKETS_CHANNEL, 'this-node']);
    await sender.query('SELECT pg_notify($1, $2)', [TICKETS_CHANNEL, 'marker']);

    // Notifications arrive in order, so once the marker's trigger is seen the first was handled.
    await eventually(async () => trigger.mock.calls.length, (calls) => calls >= 1, 3000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(trigger).toHaveBeenCalledTimes(1);
  });
});
