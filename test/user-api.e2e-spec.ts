import { postgresAdminUrl } from './support/database';
import { describeUserApi } from './suites/user-api.suite';

describeUserApi(postgresAdminUrl() ? 'PostgreSQL' : 'embedded database, no PostgreSQL configured');
