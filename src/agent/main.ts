import { Logger } from '@nestjs/common';
import { LogLevelName, readLogFormat } from '../config/config';
import { PinoLoggerService } from '../logging/pino-logger.service';
import { CliOptions, HELP, parseCliOptions, UsageError } from './cli-options';
import { WorkerAgent } from './worker-agent';

const logger = new Logger('WorkerAgentCli');

function readOptions(): CliOptions {
  let options: CliOptions | 'help';
  try {
    options = parseCliOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) {
      throw error;
    }
    process.stderr.write(`omninanny worker: ${error.message}\n`);
    process.exit(2);
  }

  if (options === 'help') {
    process.stdout.write(HELP);
    process.exit(0);
  }
  return options;
}

/**
 * Stops the agent on the first SIGTERM or SIGINT and exits 0. A second signal exits at
 * once with status 1 and leaves the game servers running for the next agent to adopt.
 */
function handleSignals(agent: WorkerAgent, isStopping: { value: boolean }): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (isStopping.value) {
      logger.warn(`received ${signal} again; exiting now and leaving the running game servers in the state file`);
      process.exit(1);
    }

    isStopping.value = true;
    logger.log(`received ${signal}; stopping`);
    agent.stop().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error(`stopping the worker agent failed: ${error.message}`, error.stack);
        process.exit(1);
      },
    );
  };

  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function main(): void {
  const options = readOptions();
  const level = options.logLevels[options.logLevels.length - 1] as LogLevelName;
  Logger.overrideLogger(new PinoLoggerService({ level, format: readLogFormat(process.env, process.stdout.isTTY === true) }));

  const isStopping = { value: false };
  const agent = new WorkerAgent({
    url: options.url,
    token: options.token,
    allowedCommands: options.allowedCommands,
    stateDir: options.stateDir,
    onFatalError: () => process.exit(1),
  });
  handleSignals(agent, isStopping);

  if (options.allowedCommands) {
    logger.log(`allowed executables: ${options.allowedCommands.join(', ')}`);
  }
  logger.log(`state directory: ${options.stateDir}`);

  agent.start().catch((error: Error) => {
    // A stop requested by a signal also rejects start(); the signal handler exits then.
    if (isStopping.value) {
      return;
    }
    logger.error(`worker agent failed: ${error.message}`);
    process.exit(1);
  });
}

main();
