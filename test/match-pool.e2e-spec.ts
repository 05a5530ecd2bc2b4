import { postgresAdminUrl } from './support/database';
import { describeMatchPool } from './suites/match-pool.suite';

describeMatchPool(postgresAdminUrl() ? 'PostgreSQL' : 'embedded database, no PostgreSQL configured');
