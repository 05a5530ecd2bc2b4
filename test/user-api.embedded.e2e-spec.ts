import { describeUserApi } from './suites/user-api.suite';

describeUserApi('embedded database', { embedded: true });
