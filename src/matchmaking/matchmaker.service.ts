import { HttpException, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { GameServer } from '../generated/prisma/client';
import { InstanceLauncherService } from '../instances/instance-launcher.service';
import { InstancesRepository } from '../instances/instances.repository';
import { pollUntil } from '../instances/wait-for';
import { ServersRepository } from '../servers/servers.repository';
import { MatchNotifierService } from './match-notifier.service';
import { MatchedTicket, MatchesRepository, MatchRule } from './matches.repository';
import { TicketsRepository } from './tickets.repository';

/** Milliseconds between matcher passes; a join also triggers a pass at once. */
const PASS_INTERVAL_MS = 200;
/** Milliseconds between sweeps for expired tickets, which scan every waiting ticket. */
const EXPIRY_INTERVAL_MS = 1000;
/**
 * Maximum tickets one transaction matches. Larger batches share the round trips and the
 * commit among more matches, and at this size one batch took about 100 ms in the benchmark.
 */
const BATCH_TICKETS = 2000;
/** Batches one node forms at the same time while a backlog lasts (see drain). */
const BATCH_WORKERS = 2;
/** Seconds an allocating ticket may wait for its instance before a sweep fails it. */
const STUCK_ALLOCATION_SECONDS = 300;

/**
 * Forms matches from waiting tickets. Every node runs one; they never take the same
 * ticket because tickets are locked with SKIP LOCKED (see MatchesRepository.formBatch).
 */
@Injectable()
export class MatchmakerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MatchmakerService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private stopped = false;
  private readonly launches = new Set<Promise<void>>();
  private lastExpiry = 0;

  constructor(
    private readonly tickets: TicketsRepository,
    private readonly matches: MatchesRepository,
    private readonly servers: ServersRepository,
    private readonly instances: InstancesRepository,
    private readonly launcher: InstanceLauncherService,
    private readonly notifier: MatchNotifierService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.trigger(), PASS_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([this.running, ...this.launches]);
  }

  /** Runs a pass now, or right after the current one. */
  trigger(): void {
    if (this.stopped) {
      return;
    }
    if (this.running) {
      this.rerun = true;
      return;
    }

    this.running = this.pass()
      .catch((error: Error) => this.logger.error('matchmaking pass failed', error.stack))
      .finally(() => {
        this.running = undefined;
        if (this.rerun) {
          this.rerun = false;
          setImmediate(() => this.trigger());
        }
      });
  }

  /** Expires old tickets (at most once per EXPIRY_INTERVAL_MS), then forms as many matches as the waiting tickets allow. */
  async pass(): Promise<void> {
    if (Date.now() - this.lastExpiry >= EXPIRY_INTERVAL_MS) {
      this.lastExpiry = Date.now();
      await this.expireTickets();
    }

    for (const rule of await this.matches.waitingRules()) {
      await this.drain(rule);
    }
  }

  /**
   * Forms batches until one comes back short. After a full batch, BATCH_WORKERS batches run
   * side by side on separate connections, and SKIP LOCKED gives each a disjoint set of
   * tickets and instances. PostgreSQL spends most of a batch updating indexes, so two
   * batches keep more than one core busy.
   */
  private async drain(rule: MatchRule): Promise<void> {
    if (this.stopped || !(await this.formBatch(rule))) {
      return;
    }

    const worker = async () => {
      while (!this.stopped && (await this.formBatch(rule))) {
        // a full batch: more tickets may be waiting
      }
    };
    await Promise.all(Array.from({ length: BATCH_WORKERS }, worker));
  }

  /** Forms one batch of matches and notifies their players; returns whether the batch was full. */
  private async formBatch(rule: MatchRule): Promise<boolean> {
    const { matches, more } = await this.matches.formBatch(rule, BATCH_TICKETS);

    const notices: Promise<void>[] = [];
    for (const match of matches) {
      if (match.instance) {
        notices.push(this.notifier.matched(match.tickets, match.instance, rule.mode));
      } else {
        this.track(this.startInstanceFor(rule.mode, match.tickets));
      }
    }
    if (notices.length > 0) {
      this.logger.log(`formed ${notices.length} ${rule.mode} match(es) on ready instances`);
    }

    await Promise.all(notices);
    return more;
  }

  /** Starts an instance for a match that found no ready one, then allocates it. */
  private async startInstanceFor(mode: string, tickets: MatchedTicket[]): Promise<void> {
    const ids = tickets.map((ticket) => ticket.id);
    const players = tickets.map((ticket) => ticket.sub);

    let instanceId: string;
    let server: GameServer;
    try {
      const [found] = await this.servers.findByMode(mode);
      if (!found) {
        throw new Error(`no server plays mode ${mode} any more`);
      }
      server = found;
      instanceId = (await this.launcher.launch(server, { mode, players })).id;
    } catch (error) {
      const reason = error instanceof HttpException ? 'no capacity' : 'instance start failed';
      this.logger.warn(`no instance for a ${mode} match of ${players.length} player(s): ${(error as Error).message}`);
      await this.tickets.fail(ids, reason);
      await this.notifier.failed(tickets, reason);
      return;
    }

    const ready = await pollUntil(async () => {
      const instance = await this.instances.find(instanceId);
      return instance && instance.state !== 'scheduled' && instance.state !== 'starting' ? instance : undefined;
    }, (server.startTimeoutSeconds + 5) * 1000);

    if (ready && (await this.instances.allocate(instanceId, players, mode))) {
      await this.tickets.markMatched(ids, instanceId);
      this.logger.log(`matched ${players.length} player(s) in ${mode} on new instance ${instanceId}`);
      await this.notifier.matched(tickets, { id: ready.id, host: ready.host, port: ready.port, mode }, mode);
      return;
    }

    const reason = `instance failed to start${ready?.reason ? `: ${ready.reason}` : ''}`;
    await this.tickets.fail(ids, reason);
    await this.notifier.failed(tickets, reason);
  }

  private async expireTickets(): Promise<void> {
    const expired = await this.tickets.failExpired();
    for (const ticket of expired) {
      await this.notifier.failed([ticket], ticket.reason);
    }

    const stuck = await this.tickets.failStuckAllocations(STUCK_ALLOCATION_SECONDS);
    if (stuck.length > 0) {
      this.logger.warn(`failed ${stuck.length} ticket(s) whose instance was never started`);
      await this.notifier.failed(stuck, 'no capacity: the instance was not started');
    }
  }

  private track(launch: Promise<void>): void {
    const tracked = launch.catch((error: Error) => this.logger.error('starting an instance for a match failed', error.stack)).finally(() => this.launches.delete(tracked));
    this.launches.add(tracked);
  }
}
