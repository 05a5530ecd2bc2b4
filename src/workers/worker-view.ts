import { Worker } from '../generated/prisma/client';
import { WorkerDto } from './dto/worker.dto';
import { WorkerWithLoad } from './workers.repository';

export function toWorkerDto(worker: Worker | WorkerWithLoad): WorkerDto {
  return {
    id: worker.id,
    name: worker.name,
    host: worker.host,
    region: worker.region,
    capacity: worker.capacity,
    ports: { min: worker.portMin, max: worker.portMax },
    labels: worker.labels as Record<string, string>,
    status: worker.status,
    last_seen_at: worker.lastSeenAt?.toISOString() ?? null,
    agent_version: worker.agentVersion,
    running_instances: 'runningInstances' in worker ? worker.runningInstances : 0,
    created_at: worker.createdAt.toISOString(),
  };
}
