import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';

/** Logs the start of a shutdown, with the signal that caused it. */
@Injectable()
export class ShutdownLogService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Omninanny');

  beforeApplicationShutdown(signal?: string): void {
    this.logger.log(signal ? `received ${signal}: closing connections and shutting down` : 'shutting down');
  }
}
