import { InstanceState } from '../generated/prisma/client';

/** States in which an instance occupies a port and a slot of its worker's capacity. */
export const LIVE_STATES: InstanceState[] = ['scheduled', 'starting', 'ready', 'allocated', 'stopping'];

export const LIVE_STATES_SQL = `'scheduled','starting','ready','allocated','stopping'`;
