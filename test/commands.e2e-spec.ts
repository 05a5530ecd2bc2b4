import { postgresAdminUrl } from './support/database';
import { describeCommands } from './suites/commands.suite';

describeCommands(postgresAdminUrl() ? 'PostgreSQL' : 'embedded database, no PostgreSQL configured');
