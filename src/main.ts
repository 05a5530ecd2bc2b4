import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/config';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Omninanny');

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error(`invalid configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  const app = await createApp(config);
  await app.listen(config.port);

  for (const { name, path } of config.secretFiles) {
    logger.log(`${name} is unset: using the secret stored in ${path}`);
  }
  logger.log(`listening on port ${config.port}; API docs at /docs`);
}

bootstrap().catch((error: Error) => {
  new Logger('Omninanny').error(`start-up failed: ${error.message}`, error.stack);
  process.exit(1);
});
