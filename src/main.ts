import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfig, ConfigError, loadConfig, LogFormat, readLogFormat } from './config/config';
import { PinoLoggerService } from './logging/pino-logger.service';
import { DataDirLockedError } from './database/data-dir-lock';

// Until the configuration is read, log at the default level; an invalid LOG_FORMAT is
// reported by loadConfig below, so fall back to JSON here.
function startupLogFormat(): LogFormat {
  try {
    return readLogFormat(process.env, process.stdout.isTTY === true);
  } catch {
    return 'json';
  }
}

Logger.overrideLogger(new PinoLoggerService({ level: 'log', format: startupLogFormat() }));
const logger = new Logger('Omninanny');

function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error(`invalid configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);

  if (config.host) {
    await app.listen(config.port, config.host);
  } else {
    await app.listen(config.port);
  }

  for (const { name, path, created } of config.secretFiles) {
    logger.log(`${name} is unset: using the secret ${created ? 'generated into' : 'stored in'} ${path}`);
  }
  logger.log(`listening on ${config.host ?? 'all interfaces'} port ${config.port}; API docs at /docs`);
}

/** Errors an operator can fix from the message alone are logged without a stack trace. */
function isOperatorError(error: Error): boolean {
  return error instanceof DataDirLockedError || (error as NodeJS.ErrnoException).code === 'EADDRINUSE' || (error as NodeJS.ErrnoException).code === 'EACCES';
}

bootstrap().catch((error: Error) => {
  if (isOperatorError(error)) {
    logger.error(`start-up failed: ${error.message}`);
  } else {
    logger.error(`start-up failed: ${error.message}`, error.stack);
  }
  process.exit(1);
});
