import { describeMatchPool } from './suites/match-pool.suite';

describeMatchPool('embedded database', { embedded: true });
