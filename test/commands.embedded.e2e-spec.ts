import { describeCommands } from './suites/commands.suite';

describeCommands('embedded database', { embedded: true });
